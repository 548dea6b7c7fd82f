// End-to-end tests of the journalists' page, in Debian's headless Chromium
// driven by playwright-core. BASE_URL is a pressdir serving the seed;
// screenshots go to ARTIFACTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.BASE_URL ?? "http://127.0.0.1:8080";
const artifacts = process.env.ARTIFACTS ?? "target/browser";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
});
after(async () => browser?.close());

async function open(options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  return { context, page };
}

/// Types a query and gives the milliseconds from the last key to results.
async function typeAndTime(page, query) {
  await page.evaluate(() => {
    window.__resultsAt = null;
    document.getElementById("q").addEventListener("keydown", () => { window.__lastKey = performance.now(); });
    new MutationObserver(() => { window.__resultsAt = performance.now(); })
      .observe(document.getElementById("results"), { attributeFilter: ["data-query"] });
  });
  await page.locator("#q").pressSequentially(query, { delay: 30 });
    // The results of the whole query, not of a prefix typed on the way.
  await page.waitForFunction((q) => document.getElementById("results").dataset.query === q, query);
  return page.evaluate(() => window.__resultsAt - window.__lastKey);
}

test("typing jose shows the San José office's people, with tel: and mailto: links", async () => {
  const { context, page } = await open({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "q", "the box has focus");
  const ms = await typeAndTime(page, "jose");
  const names = await page.locator("#results li.person h3").allTextContents();
  assert.ok(names.includes("Jorge Gallo"), names.join(", "));
  assert.ok(names.includes("Michele Klein-Solomon"), names.join(", "));
  const jorge = page.locator("#results li.person", { hasText: "Jorge Gallo" });
  assert.equal(await jorge.locator('a[href^="tel:"]').first().getAttribute("href"), "tel:+50672036536");
  assert.equal(await jorge.locator('a[href^="mailto:"]').first().getAttribute("href"), "mailto:jgallo@iom.int");
  const office = await jorge.locator(".office").textContent();
  assert.match(office, /San José, Costa Rica/);
  assert.match(office, /local time \d\d:\d\d \(America\/Costa_Rica\)/);
  assert.equal(new URL(page.url()).searchParams.get("q"), "jose", "the URL can be shared");
  console.log(`time to first result after the last key (seed): ${ms.toFixed(0)} ms`);
  await page.screenshot({ path: join(artifacts, "search-jose-1280.png"), fullPage: true });
  await context.close();
});

test("typing dalloglio leads to Luca Dall’Oglio's page and the release he is quoted in", async () => {
  const { context, page } = await open();
  await page.goto(base + "/");
  await typeAndTime(page, "dalloglio");
  await page.getByRole("link", { name: "Luca Dall’Oglio" }).click();
  await page.waitForURL(/\/people\/luca-dalloglio$/);
  assert.equal(await page.locator("h1").textContent(), "Luca Dall’Oglio");
  const release = page.locator("ul.releases li").first();
  assert.match(await release.textContent(), /Quoted in/);
  await release.locator("a").click();
  await page.waitForURL(/\/releases\//);
  assert.ok((await page.locator("ul.people").textContent()).includes("Luca Dall’Oglio"));
  await context.close();
});

test("the vCard link downloads a card with name, title, phone and email", async () => {
  const { context, page } = await open();
  await page.goto(base + "/people/jorge-gallo");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Add to contacts (vCard)" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "jorge-gallo.vcf");
  const path = join(artifacts, download.suggestedFilename());
  await download.saveAs(path);
  const card = readFileSync(path, "utf8");
  for (const line of ["BEGIN:VCARD", "VERSION:4.0", "FN:Jorge Gallo", "tel:+50672036536", "EMAIL", "jgallo@iom.int"]) {
    assert.ok(card.includes(line), `${line} in ${card}`);
  }
  await context.close();
});

test("without JavaScript the form still searches", async () => {
  const { context, page } = await open({ javaScriptEnabled: false });
  await page.goto(base + "/");
  await page.fill("#q", "gallo");
  await page.press("#q", "Enter");
  await page.waitForURL(/\?q=gallo/);
  const names = await page.locator("#results li.person h3").allTextContents();
  assert.deepEqual(names, ["Jorge Gallo"]);
  await context.close();
});

test("at 360 px wide nothing overflows, and the keyboard reaches the results", async () => {
  const { context, page } = await open({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(base + "/");
  await typeAndTime(page, "jose");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width} px wide`);
  await page.screenshot({ path: join(artifacts, "search-jose-360.png"), fullPage: true });
  await page.focus("#q");
  await page.keyboard.press("Tab"); // the Search button
  await page.keyboard.press("Tab"); // the first result
  assert.match(await page.evaluate(() => document.activeElement.getAttribute("href")), /^\/people\//);
  await context.close();
});

test("the office page lists its people", async () => {
  const { context, page } = await open();
  await page.goto(base + "/offices/iom-regional-office-san-jose");
  const names = await page.locator("li.person h3").allTextContents();
  assert.ok(names.includes("Jorge Gallo"), names.join(", "));
  await context.close();
});

// The night server: its clock reads 2026-12-01 07:42 UTC, 01:42 in San
// José, and the browser's clock is fixed to the same instant.
const night = process.env.NIGHT_URL;
const nightKey = process.env.NIGHT_KEY;
const nightClock = new Date(process.env.NIGHT_CLOCK ?? "2026-12-01T07:42:00Z");

async function api(method, path, body) {
  const response = await fetch(night + path, {
    method,
    headers: { Authorization: "Bearer " + nightKey, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? null : response.json();
}

let prepared = null;
/// San José: office hours Mon–Fri 08:00–17:00 and a duty line; Jorge
/// Gallo a photo; IOM Washington a press line (Luca Dall'Oglio has no phone).
function prepareNight() {
  prepared ??= (async () => {
    const office = "/api/v1/offices/iom-regional-office-san-jose";
    const line = await api("POST", office + "/contact-points",
      { kind: "phone", value: "+506 2212 5300", label: "Duty officer" });
    const weekday = [{ from: "08:00", to: "17:00" }];
    await api("PATCH", office, {
      duty_contact_point_id: line.id,
      hours: { weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday },
        exceptions: [{ from: "2026-12-24", to: "2026-12-25", note: "Christmas" }] },
    });
    await api("POST", "/api/v1/offices/iom-washington/contact-points",
      { kind: "phone", value: "+1 202 862 1826", label: "Press line", is_primary: true });
    // A photo drawn by the browser itself, uploaded as PNG.
    const { context, page } = await open();
    await page.goto(night + "/assets/style.css");
    const png = await page.evaluate(async () => {
      const canvas = document.createElement("canvas");
      canvas.width = 600; canvas.height = 450;
      const g = canvas.getContext("2d");
      g.fillStyle = "#0b4f8a"; g.fillRect(0, 0, 600, 450);
      g.fillStyle = "#e8a33d"; g.beginPath(); g.arc(300, 200, 120, 0, 7); g.fill();
      const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
      return [...new Uint8Array(await blob.arrayBuffer())];
    });
    await context.close();
    const response = await fetch(night + "/api/v1/people/jorge-gallo/photo", {
      method: "PUT",
      headers: { Authorization: "Bearer " + nightKey, "Content-Type": "image/png" },
      body: new Uint8Array(png),
    });
    assert.equal(response.status, 200, await response.text());
  })();
  return prepared;
}

async function openAtNight(options = {}) {
  await prepareNight();
  const opened = await open(options);
  await opened.page.clock.setFixedTime(nightClock);
  return opened;
}

/// A result card's text, by the person's name.
async function cardText(page, name) {
  return page.locator("#results li.person", { hasText: name }).innerText();
}

async function checkNightResults(page) {
  const michele = await cardText(page, "Michele Klein-Solomon");
  assert.match(michele, /Next available 08:00 local time \(in 6 h\)/, michele);
  assert.match(michele, /local time 01:4\d/, "the office clock reads the fixed time");
  // The duty line comes before the person's own numbers.
  const jorge = page.locator("#results li.person", { hasText: "Jorge Gallo" });
  const hrefs = await jorge.locator("ul.contacts a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.equal(hrefs[0], "tel:+50622125300", hrefs.join(", "));
  assert.ok(hrefs.includes("tel:+50672036536"), hrefs.join(", "));
  assert.match(await jorge.innerText(), /Duty press line, always answered/);
  // Jorge's photo, lazy, really an image of 400 px; Michele's initials.
  const photo = jorge.locator("img.photo");
  assert.equal(await photo.getAttribute("loading"), "lazy");
  await photo.scrollIntoViewIfNeeded();
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await photo.elementHandle());
  assert.equal(await photo.evaluate((img) => img.naturalWidth), 400);
  assert.equal(await page.locator("#results li.person", { hasText: "Michele Klein-Solomon" }).locator(".initials").innerText(), "MK");
}

test("at 01:42 in San José the page says when people are next available, the duty line first", async () => {
  const { context, page } = await openAtNight({ viewport: { width: 1280, height: 900 } });
  // Rendered by the server (no script involved yet)...
  await page.goto(night + "/?q=jose");
  await checkNightResults(page);
  await page.screenshot({ path: join(artifacts, "night-search-jose-1280.png"), fullPage: true });
  // ...and the same when the script renders the results as one types.
  await page.goto(night + "/");
  await typeAndTime(page, "jose");
  await checkNightResults(page);
  await context.close();
});

test("at 01:42 the office page shows its hours, the duty line, and when someone is next in", async () => {
  const { context, page } = await openAtNight();
  await page.goto(night + "/offices/iom-regional-office-san-jose");
  const article = await page.locator("article.office").innerText();
  assert.match(article, /Duty press line, always answered/);
  assert.match(article, /Next available 08:00 local time \(in 6 h\)/);
  assert.match(article, /Hours: Mon-Fri 08:00-17:00 \(America\/Costa_Rica\)/);
  assert.match(article, /Not available 24 Dec to 25 Dec 2026: Christmas/);
  const now = await page.locator("#now").innerText();
  assert.match(now, /Nobody is on duty or within their hours now\. Next: 08:00 local time \(in 6 h\)\. The duty press line above is always answered\./, now);
  await page.screenshot({ path: join(artifacts, "night-office-san-jose.png"), fullPage: true });

  // Put Michele Klein-Solomon on the night rota: she is on duty now.
  const office = await api("GET", "/api/v1/offices/iom-regional-office-san-jose");
  await api("POST", "/api/v1/offices/iom-regional-office-san-jose/duty", {
    person_id: "michele-klein-solomon", starts_at: "2026-12-01T06:00:00Z", ends_at: "2026-12-01T14:00:00Z",
  });
  await page.reload();
  const onDuty = await page.locator("#now").innerText();
  assert.match(onDuty, /On duty\s+MK\s+Michele Klein-Solomon[\s\S]*Available now/, onDuty);
  assert.ok(office.timezone === "America/Costa_Rica");
  await api("GET", "/api/v1/offices/iom-regional-office-san-jose/duty").then(async (rota) => {
    for (const shift of rota.items) await api("DELETE", "/api/v1/duty/" + shift.id);
  });
  await context.close();
});

test("a person without a phone of their own shows the office's press line", async () => {
  const { context, page } = await openAtNight();
  await page.goto(night + "/people/luca-dalloglio");
  const line = page.locator("ul.contacts.press");
  assert.equal(await line.locator("a").getAttribute("href"), "tel:+12028621826");
  assert.match(await line.innerText(), /Office press line/);
  await context.close();
});

test("page weight", async () => {
  const { context, page } = await openAtNight();
  let bytes = 0;
  const files = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() === "image") return; // "before photos"
    const body = await response.body().catch(() => Buffer.alloc(0));
    bytes += body.length;
    files.push(`${new URL(response.url()).pathname} ${body.length} B`);
  });
  await page.goto(night + "/?q=jose", { waitUntil: "networkidle" });
  console.log(`page weight of /?q=jose before photos, uncompressed: ${bytes} B (${files.join(", ")})`);
  assert.ok(bytes < 20_000, `${bytes} bytes`);
  await context.close();
});
