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

test("page weight", async () => {
  const { context, page } = await open();
  let bytes = 0;
  const files = [];
  page.on("response", async (response) => {
    const body = await response.body().catch(() => Buffer.alloc(0));
    bytes += body.length;
    files.push(`${new URL(response.url()).pathname} ${body.length} B`);
  });
  await page.goto(base + "/?q=jose", { waitUntil: "networkidle" });
  console.log(`page weight of /?q=jose, uncompressed: ${bytes} B (${files.join(", ")})`);
  assert.ok(bytes < 50_000, `${bytes} bytes`);
  await context.close();
});
