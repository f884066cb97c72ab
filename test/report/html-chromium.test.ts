// @fileoverview The HTML report in a real browser: Debian's chromium, headless, driven by puppeteer-core, with the
// network cut off (the page must be self-contained). Checks through the DOM that the verdict cards, the findings ×
// targets matrix, the filters and one finding's details (evidence, chain, advice) render, on a desktop and on a
// narrow (phone) viewport, and saves screenshots under .cache/report/.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import type { Browser, Page } from "puppeteer-core";
import { CACHE } from "../helpers/paths.js";
import { runCli } from "../helpers/run-cli.js";
import { FLAGS, INPUTS } from "./golden-cases.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const SHOTS = join(CACHE, "report");

describe("HTML report in headless chromium", { skip: CHROMIUM === undefined && "chromium not installed (test/setup/prepare.sh installs it)" }, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const requests: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "unifit-html-"));
    const file = join(dir, "report.html");
    const r = runCli(["scan", ...INPUTS, ...FLAGS, "-f", "text", "-f", `html=${file}`]);
    assert.equal(r.code, 1, r.stderr);
    browser = await puppeteer.launch({ executablePath: CHROMIUM as string, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      const url = req.url();
      if (url.startsWith("file:")) void req.continue();
      else {
        requests.push(url);
        void req.abort();
      }
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("shows a verdict card per target and the matrix with a column per target and coloured cells", async () => {
    const cards = await page.$$eval("#verdicts .card", (els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, " ")));
    assert.equal(cards.length, 3);
    // 7 blockers in the sample binary, and the fork call of fixtures/chains/serve.c.
    assert.match(cards[1] ?? "", /^nanos blocked 8 blockers, \d+ warnings 2 of 2 files blocked/);
    const heads = await page.$$eval("#matrix thead th", (els) => els.map((e) => e.textContent));
    assert.deepEqual(heads, ["finding", "file", "gvisor", "nanos", "osv"]);
    const rows = await page.$$eval("#matrix tbody tr", (els) => els.map((e) => [...e.querySelectorAll("td")].map((td) => td.textContent)));
    const clone = rows.find((r) => r[0] === "clone (process)" && r[1] === "fixtures/sample/prefork-server");
    assert.deepEqual(clone, ["clone (process)", "fixtures/sample/prefork-server", "✓", "✖", "✖"]);
    // Blocker cells are drawn in the blocker colour.
    const colour = await page.$eval("#matrix td.blocker", (td) => getComputedStyle(td).backgroundColor);
    assert.equal(colour, "rgb(253, 224, 220)");
    await page.screenshot({ path: join(SHOTS, "html-report-desktop.png"), fullPage: false });
  });

  it("opens a finding's details: evidence per target (repository@commit:file:line), chain and rewrite advice", async () => {
    const href = await page.$$eval(
      "#matrix tbody tr",
      (els) =>
        els
          .find((e) => {
            const cells = [...e.querySelectorAll("td")].map((td) => td.textContent);
            return cells[0] === "clone (process)" && cells[1] === "fixtures/sample/prefork-server";
          })
          ?.querySelector("a")
          ?.getAttribute("href"),
    );
    assert.ok(href);
    await page.click(`${href} summary`);
    const text = await page.$eval(href, (d) => ((d as HTMLDetailsElement).open ? (d as HTMLElement).innerText : ""));
    assert.match(text, /chain\s+main → daemon@GLIBC_2\.2\.5/);
    assert.match(text, /nanos\s+blocker \((enosys|absent)\)/);
    assert.match(text, /evidence: nanovms\/nanos@[0-9a-f]{7,40}:\S+:\d+/);
    assert.match(text, /Nanos runs one process/);
    const link = await page.$eval(`${href} a[href^="https://github.com/nanovms/nanos/blob/"]`, (a) => a.getAttribute("href"));
    assert.match(link ?? "", /#L\d+/);
  });

  it("filters: unticking blockers hides the blocker rows; a target and a search narrow the matrix", async () => {
    const visible = (): Promise<number> => page.$$eval("#matrix tbody tr", (els) => els.filter((e) => !e.classList.contains("hidden")).length);
    const all = await visible();
    await page.click('input[data-level="blocker"]');
    const warningsOnly = await visible();
    assert.ok(warningsOnly > 0 && warningsOnly < all, `${warningsOnly} of ${all}`);
    assert.equal(await page.$$eval('#matrix tbody tr[data-level="blocker"]:not(.hidden)', (els) => els.length), 0);
    await page.click('input[data-level="blocker"]');
    await page.select("#target", "gvisor");
    const gvisor = await page.$$eval("#matrix tbody tr:not(.hidden)", (els) => els.map((e) => e.getAttribute("data-targets") ?? ""));
    assert.ok(gvisor.length > 0 && gvisor.every((t) => t.split(" ").includes("gvisor")));
    await page.select("#target", "");
    await page.type("#q", "shmget");
    const found = await page.$$eval("#matrix tbody tr:not(.hidden)", (els) => els.map((e) => e.querySelector("td")?.textContent ?? ""));
    // The syscall, and the SysV shared-memory pattern whose message names it.
    assert.deepEqual(found, ["sysv-shm", "shmget"]);
    assert.equal(await page.$eval("#shown", (e) => e.textContent), "2");
  });

  it("fits a narrow screen: the page does not scroll sideways, the matrix scrolls inside its box", async () => {
    await page.setViewport({ width: 375, height: 800 });
    const { page: pageWidth, box } = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      box: (document.querySelector(".scroll") as HTMLElement).clientWidth,
    }));
    assert.ok(pageWidth <= 375, `page is ${pageWidth} px wide`);
    assert.ok(box <= 375);
    await page.screenshot({ path: join(SHOTS, "html-report-narrow.png"), fullPage: false });
  });

  it("made no network request", () => {
    assert.deepEqual(requests, []);
  });
});
