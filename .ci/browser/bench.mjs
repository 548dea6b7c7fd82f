// Time to first result on the journalists' page: for each query, from the
// last key typed to the results list changing, in headless Chromium.
// Used by bench/page.sh; BASE_URL is a pressdir serving the directory.
import { chromium } from "playwright-core";

const base = process.env.BASE_URL;
const queries = (process.env.QUERIES ?? "jose,gallo,maria,nairobi,+506 7203,health").split(",");
const rounds = Number(process.env.ROUNDS ?? 5);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
const all = [];
for (let round = 0; round < rounds; round++) {
  for (const query of queries) {
    await page.goto(base + "/");
    await page.evaluate(() => {
      window.__resultsAt = null;
      document.getElementById("q").addEventListener("keydown", () => { window.__lastKey = performance.now(); });
      new MutationObserver(() => { window.__resultsAt = performance.now(); })
        .observe(document.getElementById("results"), { attributeFilter: ["data-query"] });
    });
    await page.locator("#q").pressSequentially(query, { delay: 40 });
        // The results of the whole query, not of a prefix typed on the way.
    await page.waitForFunction((q) => document.getElementById("results").dataset.query === q.trim(),
      query, { timeout: 10000 });
    const ms = await page.evaluate(() => window.__resultsAt - window.__lastKey);
    all.push(ms);
    if (round === 0) console.log(`${query}: ${ms.toFixed(0)} ms`);
  }
}
all.sort((a, b) => a - b);
const at = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))].toFixed(0);
console.log(`${all.length} searches: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms ` +
  "(40 ms of it is the debounce)");
await browser.close();
