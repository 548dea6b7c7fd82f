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

  function contactList(points, cls, label) {
    return el("ul", { class: "contacts" + (cls ? " " + cls : "") }, ...points.map((cp) =>
      el("li", null, el("a", { href: cp.uri }, cp.display), " ",
        el("span", { class: "label" }, label || cp.label || kinds[cp.kind] || cp.kind))));
  }

  // "08:00", or "Mon 08:00" when not today in the office's zone, as the server writes it.
  function clock(then, tz) {
    const day = (d) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(d);
    const opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: tz };
    if (day(then) !== day(new Date())) opts.weekday = "short";
    return new Intl.DateTimeFormat("en-GB", opts).format(then).replace(",", "");
  }

  function wait(then) {
    const minutes = Math.max(0, Math.floor((then - Date.now()) / 60000));
    if (minutes < 60) return "in " + minutes + " min";
    if (minutes < 2880) return "in " + Math.floor((minutes + 30) / 60) + " h";
    return "in " + Math.floor((minutes + 720) / 1440) + " days";
  }

  function reachLine(p) {
    if (p.available_now === true) return el("p", { class: "reach now" }, "Available now");
    if (p.available_now !== false) return null;
    if (!p.next_available_at) return el("p", { class: "reach later" }, "Not available (no hours ahead)");
    const then = new Date(p.next_available_at);
    let text;
    try { text = clock(then, (p.office && p.office.timezone) || "UTC"); } catch (e) { text = clock(then, "UTC"); }
    return el("p", { class: "reach later" }, "Next available ",
      el("time", { datetime: p.next_available_at }, text), " local time (" + wait(then) + ")");
  }

  function portrait(p) {
    if (p.photo_url) {
      return el("img", { class: "photo", src: p.photo_url, loading: "lazy", decoding: "async",
        width: "64", height: "64", alt: "Photo of " + p.full_name });
    }
    const letters = p.full_name.split(/\s+/).map((w) => (w.match(/\p{L}/u) || [""])[0])
      .filter(Boolean).slice(0, 2).join("").toUpperCase();
    return el("span", { class: "photo initials", "aria-hidden": "true" }, letters);
  }

  function card(p) {
    const name = el("a", { href: "/people/" + p.slug }, p.full_name);
    if (p.pronouns) name.append(" ", el("span", { class: "pronouns" }, "(" + p.pronouns + ")"));
    const who = el("div", { class: "who" }, el("h3", null, name));
    if (p.job_title) who.append(el("p", { class: "title" }, p.job_title));
    if (p.office) who.append(officeLine(p.office));
    who.append(reachLine(p) || "");
    if (p.office_duty_line) who.append(contactList([p.office_duty_line], "duty", "Duty press line, always answered"));
    if (p.contact_points.length) who.append(contactList(p.contact_points));
    const pressLine = p.office_press_line;
    if (pressLine && (!p.office_duty_line || p.office_duty_line.id !== pressLine.id)) who.append(contactList([pressLine], "press", "Office press line"));
    who.append(el("a", { class: "vcard", href: "/api/v1/people/" + p.id + "/vcard", download: "" },
      "Add to contacts (vCard)"));
    return el("li", { class: "person" }, portrait(p), who);
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
