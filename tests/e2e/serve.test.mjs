// End-to-end tests of `blindfold serve` in headless Chromium (Debian's chromium, driven by
// playwright-core): the applicant's check, corrections, undo and download; staff clearing the
// review queue with the keyboard; a server killed after an edit and started again; the time from
// clicking a page to the editor showing it. Screenshots of every screen in both languages go to
// $SCREENSHOTS (default: a temporary folder).
//
//   BLINDFOLD=target/debug/blindfold node tests/e2e/serve.test.mjs
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const binary = path.resolve(root, process.env.BLINDFOLD || "target/debug/blindfold");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "blindfold-e2e-"));
const shots = process.env.SCREENSHOTS || path.join(work, "screenshots");
fs.mkdirSync(shots, { recursive: true });
const APPLICANT = { folder: "01_阿依古丽·买买提", name: "阿依古丽·买买提", unit: "焉耆回族自治县人民医院", alias: "焉耆县人民医院" };
const results = [];

function blindfold(...args) {
  return execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/// Starts `blindfold serve` and resolves with its address once it prints it.
function startServer(args) {
  const server = spawn(binary, ["serve", "--no-browser", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 60000);
    const read = (chunk) => {
      log += chunk;
      const match = log.match(/blindfold serve: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ server, url: match[1] });
      }
    };
    server.stdout.on("data", read);
    server.stderr.on("data", read);
    server.on("exit", (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });
}

function stop(server) {
  server.removeAllListeners("exit");
  server.kill("SIGKILL");
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

async function newPage(lang) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: lang === "zh" ? "zh-CN" : "en-US", acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (error) => { throw error; });
  page.on("dialog", (dialog) => dialog.accept());
  return page;
}

async function shot(page, name) {
  await page.waitForFunction(() => [...document.images].every((image) => image.complete));
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push(`FAIL ${name}\n${error.stack}`);
    let n = 0;
    for (const context of browser.contexts()) {
      for (const open of context.pages()) await open.screenshot({ path: path.join(shots, `failed-${results.length}-${n++}.png`) }).catch(() => {});
    }
  }
}

const sha256 = (file) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const readManifest = (dir) => fs.readFileSync(path.join(dir, "manifest.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const workspaceOf = (page) => page.evaluate(async () => {
  const session = await (await fetch("/api/session")).json();
  return (await fetch(`/api/workspaces/${session.workspace}`)).json();
});

/// Draws a mask on the editor's page from (x0, y0) to (x1, y1), fractions of the page: a drag
/// with Shift held (a plain drag moves the page).
async function drag(page, [x0, y0, x1, y1]) {
  const box = await page.locator("#overlay").boundingBox();
  await page.keyboard.down("Shift");
  await page.mouse.move(box.x + box.width * x0, box.y + box.height * y0);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * x1, box.y + box.height * y1, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
}

/// The Latin words a Chinese screen shows, less file names (the workspace's attachments and
/// downloads, staff's applicant codes), key names on keys, the product's name and the names of
/// file formats and units.
async function latinWords(page) {
  const ws = await workspaceOf(page);
  const text = await page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll("kbd, #lang-toggle, script").forEach((node) => node.remove());
    document.body.append(copy);
    copy.hidden = false;
    const shown = copy.innerText;
    copy.remove();
    return shown;
  });
  const [pages, rows] = [ws.pages || [], ws.checklist || []];
  const names = [...pages.map((p) => p.attachment), ...rows.map((r) => r.download || ""),
    ...pages.map((p) => p.applicant || "")].filter(Boolean).sort((a, b) => b.length - a.length);
  let rest = text;
  for (const name of names) rest = rest.replaceAll(name, " ");
  const allowed = new Set(["blindfold", "PDF", "JPEG", "PNG", "TIFF", "BMP", "WebP", "GIF", "HEIC", "OFD", "Word", "WPS",
    "Excel", "KB", "MB", "dpi", "zip", "CSV", "Shift", "Enter", "Esc", "Ctrl", "Delete"]);
  return (rest.match(/[A-Za-z]+/g) || []).filter((word) => !allowed.has(word));
}

function timingSummary(timings) {
  const sorted = [...timings].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms over ${sorted.length} pages`;
}

const editorShown = (page, id) => page.waitForSelector(`#editor[data-page="${id}"][data-ready="1"]`);

await test("an applicant checks the samples, corrects a page, undoes, downloads; the result audits clean", async () => {
  const files = fs.readdirSync(path.join(root, "samples/intake", APPLICANT.folder)).map((f) => path.join(root, "samples/intake", APPLICANT.folder, f));
  const cliOut = path.join(work, "check");
  const cliStarted = Date.now();
  blindfold("check", ...files, "--name", APPLICANT.name, "--unit", APPLICANT.unit, "--alias", APPLICANT.alias, "--out", cliOut);
  const cliSeconds = (Date.now() - cliStarted) / 1000;
  const data = path.join(work, "applicant-data");
  const { server, url } = await startServer(["--data", data, "--lang", "zh"]);
  try {
    const page = await newPage("zh");
    await page.goto(url);
    await page.waitForSelector("#particulars");
    await shot(page, "applicant-start-zh");
    const latin = {};
    latin.start = await latinWords(page);
    await page.fill("#name", APPLICANT.name);
    await page.fill("#unit", APPLICANT.unit);
    await page.fill("#aliases", APPLICANT.alias);
    await page.setInputFiles("#files", files);
    const started = Date.now();
    await page.click("#start");
    await page.waitForSelector("#cards", { timeout: 300000 });
    const webSeconds = (Date.now() - started) / 1000;
    results.push(`     processing: web ${webSeconds.toFixed(1)} s, blindfold check ${cliSeconds.toFixed(1)} s (${files.length} files; the check includes loading the models)`);
    await shot(page, "applicant-list-zh");
    latin.list = await latinWords(page);

    // The same verdicts as `blindfold check`.
    const ws = await workspaceOf(page);
    const cli = readManifest(cliOut).filter((l) => l.page !== null);
    const web = ws.pages.filter((p) => p.page !== null);
    const verdicts = (lines, name) => lines.map((l) => `${path.basename(name(l))} p${l.page}: ${l.masking_required}`).sort();
    assert.deepEqual(verdicts(web, (p) => p.attachment), verdicts(cli, (l) => l.source));
    const shownYes = await page.locator(".tile .verdict.yes").count();
    assert.equal(shownYes, web.filter((p) => p.masking_required).length);

    // Time from clicking a page's card to the editor showing it, first visit of each page.
    const timings = [];
    for (const p of web) {
      const started = Date.now();
      await page.click(`.tile[data-page="${p.id}"]`);
      await editorShown(page, p.id);
      timings.push(Date.now() - started);
      await page.keyboard.press("Escape");
      await page.waitForSelector("#cards");
    }
    results.push(`     click → editor shown: ${timingSummary(timings)}`);

    // A mask drawn on a page that had none: 否 → 是.
    const clean = web.find((p) => !p.masking_required);
    assert.ok(clean, "the samples have a page that needs no masking");
    await page.click(`.tile[data-page="${clean.id}"]`);
    await editorShown(page, clean.id);
    assert.equal(await page.locator(".side .verdict.no").count(), 1);
    await drag(page, [0.1, 0.1, 0.4, 0.15]);
    await page.waitForSelector("#masks li");
    assert.equal(await page.locator(".side .verdict.yes").count(), 1);
    await shot(page, "applicant-editor-zh");
    latin.editor = await latinWords(page);

    // An automatic mask removed (with the reason), the removal undone, then redone and undone.
    const masked = web.find((p) => p.regions.some((r) => r.evidence !== "manual"));
    await page.keyboard.press("Escape");
    await page.click(`.tile[data-page="${masked.id}"]`);
    await editorShown(page, masked.id);
    const regions = masked.regions.length;
    await page.keyboard.press("s");
    await page.keyboard.press("Delete");
    await page.waitForSelector("#dismissed li");
    assert.equal(await page.locator("#masks li").count(), regions - 1);
    await page.keyboard.press("Control+z");
    await page.waitForFunction((n) => document.querySelectorAll("#masks li").length === n && !document.querySelector("#dismissed"), regions);
    await page.keyboard.press("Control+y");
    await page.waitForSelector("#dismissed li");
    await page.keyboard.press("Control+z");
    await page.waitForFunction((n) => document.querySelectorAll("#masks li").length === n, regions);

    // Enter on a toolbar button is the button's: it does not confirm the page.
    const pageNow = async (id) => (await workspaceOf(page)).pages.find((p) => p.id === id);
    await page.focus("#zoom-in");
    await page.keyboard.press("Enter");
    assert.equal((await pageNow(masked.id)).reviewed, null, "Enter on a button confirmed the page");

    // A mask drawn with the keyboard only: draw mode, arrows move the box, Shift+arrows size it.
    await page.focus("#stage");
    await page.keyboard.press("a");
    await page.waitForSelector("#keybox");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowUp");
    for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+ArrowRight");
    await shot(page, "applicant-keyboard-mask-zh");
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll("#masks li").length === n, regions + 1);
    const keyboardMask = (await pageNow(masked.id)).regions.at(-1);
    assert.equal(keyboardMask.evidence, "manual");
    assert.equal((await pageNow(masked.id)).reviewed, null);

    // Files added after the check: the earlier files and every correction stay; four kinds it
    // cannot take come first, counted, each with what to do.
    await page.keyboard.press("Escape");
    const corrected = (ws) => ws.pages.filter((p) => p.revision > 0)
      .map((p) => JSON.stringify([p.attachment, p.page, p.regions.map((r) => JSON.stringify(r)).sort(), p.dismissed])).sort();
    const beforeAdding = await workspaceOf(page);
    const odd = { "学历证书.docx": "另存为 PDF", "照片.heic": "兼容性最佳", "电子发票.ofd": "打印为 PDF", "全部材料.zip": "解压" };
    const oddFiles = Object.keys(odd).map((name) => {
      const file = path.join(work, name);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(name.endsWith(".heic") ? "\0\0\0\x18ftypheic" : "PK\x03\x04"), Buffer.alloc(200, 7)]));
      return file;
    });
    await page.click("#again");
    assert.match(await page.locator("#uploaded").innerText(), new RegExp(`已上传 ${files.length} 个文件`));
    await page.setInputFiles("#files", oddFiles);
    await page.click("#start");
    await page.waitForSelector("#cards .card.unprocessed", { timeout: 300000 });
    const afterAdding = await workspaceOf(page);
    assert.deepEqual(corrected(afterAdding), corrected(beforeAdding), "corrections kept");
    assert.equal(afterAdding.pages.filter((p) => p.page !== null).length, web.length, "earlier pages kept");
    const cardNames = await page.locator("#cards .card h3").allInnerTexts();
    assert.deepEqual(cardNames.slice(0, 4).sort(), Object.keys(odd).sort(), "unprocessed files first");
    for (const [name, advice] of Object.entries(odd)) {
      const text = await page.locator(`.card[data-attachment="${name}"]`).innerText();
      assert.ok(text.includes(advice), `${name}: ${text}`);
      assert.ok(!/--|blindfold/.test(text), `${name}: ${text}`);
    }
    assert.match(await page.locator("#summary").innerText(), /未能处理 4 个文件$/);
    await shot(page, "applicant-list-added-zh");
    latin.added = await latinWords(page);

    // English screens.
    await page.click("#lang-toggle");
    await shot(page, "applicant-editor-en");
    await page.keyboard.press("Escape");
    await shot(page, "applicant-list-en");
    await page.click("#checklist");
    await shot(page, "applicant-checklist-en");
    await page.click("#lang-toggle");
    await shot(page, "applicant-checklist-zh");
    latin.checklist = await latinWords(page);
    assert.deepEqual(Object.fromEntries(Object.entries(latin).filter(([, words]) => words.length)), {},
      "Latin words in the Chinese screens");
    const [single] = await Promise.all([page.waitForEvent("download"), page.click("a.download >> nth=0")]);
    const singleFile = path.join(work, "single-download");
    await single.saveAs(singleFile);
    await page.click("text=返回列表");

    // The download: every masked copy, byte for byte what the manifest records; the run audits clean.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-all")]);
    const zip = path.join(work, "masked.zip");
    await download.saveAs(zip);
    const unzipped = path.join(work, "unzipped");
    execFileSync("python3", ["-m", "zipfile", "-e", zip, unzipped]);
    const after = await workspaceOf(page);
    const out = path.join(data, "workspaces", after.id, "out");
    // The download names: the checklist's, in the zip and on the page, none with the name.
    const rows = after.checklist.filter((r) => r.masked_copy);
    assert.deepEqual(fs.readdirSync(unzipped).filter((f) => f !== "checklist.csv").sort(), rows.map((r) => r.download).sort());
    for (const row of rows) {
      assert.ok(!row.download.includes(APPLICANT.name), row.download);
      const line = readManifest(out).find((l) => l.output === row.masked_copy);
      assert.equal(sha256(path.join(unzipped, row.download)), line.output_sha256, row.download);
      assert.ok(fs.readFileSync(path.join(unzipped, "checklist.csv"), "utf8").includes(row.download));
      assert.equal(await page.locator(`.card a.download[download="${row.download}"]`).count(), 1, row.download);
    }
    assert.ok(fs.readFileSync(path.join(unzipped, "checklist.csv"), "utf8").includes("是否需要遮盖"));
    assert.ok(readManifest(out).some((l) => l.output_sha256 === sha256(singleFile)), "a single download is a masked copy");
    const edited = readManifest(out).find((l) => l.regions.some((r) => r.evidence === "manual"));
    assert.equal(edited.masking_required, true);
    blindfold("audit", out); // throws unless it exits 0

    await page.click("#lang-toggle");
    await page.click("#again");
    await shot(page, "applicant-start-en");
    await page.click("#lang-toggle");
    await page.click("text=返回列表").catch(() => {});
  } finally {
    stop(server);
  }
});

await test("staff clear the review queue with the keyboard, dismiss an audit finding with a reason; an edit survives a killed server; the audit passes", async () => {
  const intake = path.join(work, "intake");
  const roster = path.join(work, "roster.csv");
  fs.copyFileSync(path.join(root, "samples/roster.csv"), roster);
  fs.cpSync(path.join(root, "samples/intake"), intake, { recursive: true });
  for (const bad of ["truncated.jpg", "huge_page.pdf"]) {
    fs.copyFileSync(path.join(root, "tests/fixtures/bad", bad), path.join(intake, APPLICANT.folder, bad));
  }
  const out = path.join(work, "run");
  try {
    blindfold("run", intake, "--out", out, "--roster", roster);
  } catch (error) {
    assert.equal(error.status, 1, "a run with failed pages exits 1"); // the withheld page
  }
  const args = ["--open", out, "--intake", intake, "--roster", roster,
    "--data", path.join(work, "staff-data"), "--user", "王老师"];
  let { server, url } = await startServer([...args, "--lang", "zh"]);
  try {
    const page = await newPage("zh");
    await page.goto(url);
    await page.waitForSelector("#dashboard");
    await shot(page, "staff-dashboard-zh");
    const latin = { dashboard: await latinWords(page) };
    const queued = (await workspaceOf(page)).pages.filter((p) => (p.status === "review" || p.status === "error") && p.page !== null);
    assert.ok(queued.length >= 2, `pages to review: ${queued.length}`);

    // Keyboard only: Tab to the queue, Enter to open it, Enter to confirm each page and go on.
    for (let i = 0; i < 30 && (await page.evaluate(() => document.activeElement.id)) !== "start-queue"; i++) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await editorShown(page, queued[0].id);
    await shot(page, "staff-editor-zh");
    latin.editor = await latinWords(page);
    for (const p of queued) {
      await editorShown(page, p.id);
      await page.keyboard.press("Enter");
    }
    await page.waitForSelector("#queue-empty");
    const confirmed = readManifest(out).filter((l) => l.reviewed);
    assert.equal(confirmed.length, queued.length);
    assert.ok(confirmed.every((l) => l.reviewed.by === "王老师"));

    // An audit finding joins the queue and is dismissed there with a reason: the roster gains a
    // spelling after the run that a notice prints in another candidate's row; the re-scan finds
    // it, the reviewer judges it none of the applicant's, and the audit then passes.
    fs.writeFileSync(roster, fs.readFileSync(roster, "utf8").replace("03_李建国,李建国,库尔勒市第二人民医院,,",
      "03_李建国,李建国,库尔勒市第二人民医院,医学检验科,"));
    await page.click("#run-audit");
    await page.waitForSelector("#audit-result.failed", { timeout: 300000 });
    await page.waitForSelector("#queue .card.flagged");
    latin.audit = await latinWords(page);
    await shot(page, "staff-audit-findings-zh");
    await page.click("#queue .card.flagged >> nth=0");
    await page.waitForSelector("#page-findings li");
    await page.waitForSelector("#overlay rect.finding");
    latin.finding = await latinWords(page);
    await shot(page, "staff-finding-zh");
    await page.fill("#reason", "这是另一位候选人的科室，不是申请人的单位");
    await page.click("#page-findings button:not(.primary)");
    await page.waitForFunction(() => !document.getElementById("page-findings"));
    await page.keyboard.press("Escape");
    await page.click("#run-audit");
    await page.waitForSelector("#audit-result.passed", { timeout: 300000 });
    assert.match(await page.locator("#audit-result").innerText(), /这是另一位候选人的科室/);
    latin.passed = await latinWords(page);
    await shot(page, "staff-audit-zh");
    blindfold("audit", out, "--intake", intake, "--roster", roster); // throws unless it exits 0
    assert.deepEqual(Object.fromEntries(Object.entries(latin).filter(([, words]) => words.length)), {},
      "Latin words in the staff's Chinese screens");

    // Time from asking for a page (its address, as a link or the back button does) to the
    // editor showing it, first visit of each page.
    const ws = await workspaceOf(page);
    const timings = [];
    for (const p of ws.pages.filter((q) => q.page !== null && !q.withheld)) {
      const started = Date.now();
      await page.evaluate((id) => { location.hash = `page-${id}`; }, p.id);
      await editorShown(page, p.id);
      timings.push(Date.now() - started);
    }
    results.push(`     page address → editor shown: ${timingSummary(timings)}`);

    // An edit, then the server is killed at once and started again: the edit is there.
    const target = ws.pages.find((p) => p.page !== null && !p.withheld);
    await page.evaluate((id) => { location.hash = `page-${id}`; }, target.id);
    await editorShown(page, target.id);
    const before = (await workspaceOf(page)).pages.find((p) => p.id === target.id).regions.length;
    await drag(page, [0.6, 0.8, 0.9, 0.85]);
    await page.waitForFunction((n) => document.querySelectorAll("#masks li").length === n, before + 1);
    stop(server);
    ({ server, url } = await startServer([...args, "--lang", "en"]));
    await page.goto(url);
    await page.waitForSelector("#dashboard");
    const again = (await workspaceOf(page)).pages.find((p) => p.id === target.id);
    assert.equal(again.regions.length, before + 1);
    assert.equal(again.regions.at(-1).evidence, "manual");
    await shot(page, "staff-dashboard-en");
    await page.evaluate((id) => { location.hash = `page-${id}`; }, target.id);
    await editorShown(page, target.id);
    await shot(page, "staff-editor-en");
    await page.keyboard.press("Escape");

    await page.click("#run-audit");
    await page.waitForSelector("#audit-result", { timeout: 300000 });
    const passed = await page.locator(".audit.passed").count();
    await shot(page, "staff-audit-en");
    assert.equal(passed, 1, await page.locator("#audit-result").innerText());

    // A finding opens its page: an output replaced by its unmasked original is found, and its
    // finding is a link to the page.
    const line = readManifest(out).find((l) => l.output && l.output.endsWith(".jpg") && l.masking_required);
    fs.copyFileSync(path.join(intake, line.source), path.join(out, line.output));
    await page.click("#run-audit");
    await page.waitForSelector("#audit-result.failed", { timeout: 300000 });
    await page.waitForSelector("#queue .card.flagged .finding");
    await shot(page, "staff-audit-findings-en");
    await page.click(`#findings a.finding >> nth=0`);
    const opened = (await workspaceOf(page)).pages.find((p) => p.attachment === line.output && p.page === line.page);
    await editorShown(page, opened.id);
    await page.waitForSelector("#overlay rect.finding");
    await shot(page, "staff-finding-en");
  } finally {
    stop(server);
  }
});

await test("in English an applicant's counts agree with their numbers (1 file, 1 attachment, 1 page) and the copy fits the size limit set", async () => {
  const { server, url } = await startServer(["--data", path.join(work, "applicant-en"), "--lang", "en"]);
  try {
    const page = await newPage("en");
    await page.goto(url);
    await page.waitForSelector("#particulars");
    await page.fill("#name", APPLICANT.name);
    await page.fill("#unit", APPLICANT.unit);
    await page.setInputFiles("#files", [path.join(root, "samples/intake", APPLICANT.folder, `${APPLICANT.name}-身份证正面.jpg`)]);
    assert.equal(await page.locator("#chosen").innerText(), "1 file chosen");
    await page.fill("#max-size", "0.1");
    await page.click("#start");
    await page.waitForSelector("#cards", { timeout: 300000 });
    assert.match(await page.locator("#summary").innerText(), /^1 attachment, 1 page; 1 needs masking; 0 pages to review$/);
    await shot(page, "applicant-list-en");
    // The size option: with the platform's limit set, the masked copy is made to fit it (the ID
    // card's copy is about 390 KB at the default quality).
    const row = (await workspaceOf(page)).checklist[0];
    assert.ok(row.bytes <= 100000, `masked copy of ${row.bytes} bytes over the 0.1 MB limit`);
    assert.equal(await page.locator(".over-limit").count(), 0);

  } finally {
    stop(server);
  }
});

await browser.close();
console.log(results.join("\n"));
console.log(`screenshots: ${shots}`);
if (results.some((r) => r.startsWith("FAIL"))) process.exit(1);
