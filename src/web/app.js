// Search as you type, through the public API. Without this script the
// form submits and the server renders the same results.
(() => {
  "use strict";
  const input = document.getElementById("q");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const offices = document.getElementById("offices");
  const countries = typeof Intl.DisplayNames === "function"
    ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

  // Keep every office's local time current.
  function tick() {
    for (const clock of document.querySelectorAll("time.clock[data-tz]")) {
      try {
        clock.textContent = new Intl.DateTimeFormat("en-GB", {
          hour: "2-digit", minute: "2-digit", timeZone: clock.dataset.tz,
        }).format(new Date());
      } catch (e) { /* an unknown zone keeps the server's time */ }
    }
  }
  tick();
  setInterval(tick, 30000);
  if (!input || !results) return;

  // Text goes in as text, never as HTML.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  }

  function officeLine(o) {
    const p = el("p", { class: "office" }, el("a", { href: "/offices/" + o.slug }, o.name));
    const country = o.country_code && (countries ? countries.of(o.country_code) : o.country_code);
    const where = [o.city, country].filter(Boolean).join(", ");
    if (where) p.append(" · " + where);
    if (o.timezone) {
      p.append(" · ", el("span", { class: "time" }, "local time ",
        el("time", { class: "clock", "data-tz": o.timezone }), " (" + o.timezone + ")"));
    }
    return p;
  }

  const kinds = { phone: "Phone", mobile: "Mobile", email: "Email", fax: "Fax" };

  function card(p) {
    const li = el("li", { class: "person" },
      el("h3", null, el("a", { href: "/people/" + p.slug }, p.full_name)));
    if (p.job_title) li.append(el("p", { class: "title" }, p.job_title));
    if (p.office) li.append(officeLine(p.office));
    if (p.contact_points.length) {
      li.append(el("ul", { class: "contacts" }, ...p.contact_points.map((cp) =>
        el("li", null, el("a", { href: cp.uri }, cp.display), " ",
          el("span", { class: "label" }, cp.label || kinds[cp.kind] || cp.kind)))));
    }
    li.append(el("a", { class: "vcard", href: "/api/v1/people/" + p.id + "/vcard", download: "" },
      "Add to contacts (vCard)"));
    return li;
  }

  let timer = 0;
  let asked = 0;
  let inFlight = null;

  async function search() {
    const q = input.value.trim();
    const mine = ++asked;
    history.replaceState(null, "", q ? "/?q=" + encodeURIComponent(q) : "/");
    if (offices) offices.hidden = q !== "";
    if (inFlight) inFlight.abort();
    if (!q) {
      results.replaceChildren();
      results.dataset.query = "";
      status.textContent = "";
      return;
    }
    // One or two letters match too many people to be worth the wait (and
    // the trigram index needs three): Enter still searches them.
    if ([...q].length < 3) {
      status.textContent = "Keep typing, or press Enter to search for “" + q + "”.";
      return;
    }
    inFlight = new AbortController();
    try {
      const response = await fetch("/api/v1/people?limit=20&q=" + encodeURIComponent(q),
        { headers: { Accept: "application/json" }, signal: inFlight.signal });
      if (!response.ok) throw new Error("status " + response.status);
      const page = await response.json();
      if (mine !== asked) return;
      results.replaceChildren(...page.items.map(card));
      results.dataset.query = q;
      const n = page.items.length;
      status.textContent = n === 0 ? "No one found for “" + q + "”."
        : n === 1 ? "1 person found."
        : n + " people found" + (page.next_cursor ? " (the first 20)" : "") + ".";
      tick();
    } catch (e) {
      if (e.name !== "AbortError" && mine === asked) {
        status.textContent = "The search failed (" + e.message + "). Press Enter to try again.";
      }
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 40);
  });
})();
