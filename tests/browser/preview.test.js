// preview.test.js URL SPEC VIDC OUTDIR - drives `vidc preview`'s page in Debian's chromium
// (headless, through puppeteer-core) the way a user does: it loads and shows the duration; play
// moves the playhead with reduced frames and pause shows the full one; a click on the scrubber
// changes the picture, and the full-size frame shown then matches `vidc
// frame` at that frame (PSNR >= 40 dB); editing the spec on disk updates the page within ~2 s
// without a reload, the playhead kept; breaking the spec shows its diagnostic in the page and
// keeps the last good frame. Run by tests/sh/preview.sh; exits 1 on the first failed check.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const puppeteer = require("puppeteer-core");

const [url, spec, vidc, out] = process.argv.slice(2);
const REFRESH_MS = 2500; // "within ~2 s"; the server polls every 200 ms

function fail(msg) {
  console.log("FAIL: " + msg);
  process.exit(1);
}

// An image file as raw RGB through ffmpeg, so both sides are decoded the same way.
function rgb(file) {
  return execFileSync("ffmpeg", ["-v", "error", "-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], {
    maxBuffer: 64 << 20,
  });
}
function psnr(a, b) {
  if (a.length !== b.length) return -1;
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) * (a[i] - b[i]);
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / a.length));
}

// The picture the page shows, at its natural size, as a PNG file (through a canvas).
async function shown(page, file) {
  const data = await page.evaluate(() => {
    const img = document.getElementById("frame");
    const c = document.createElement("canvas");
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    c.getContext("2d").drawImage(img, 0, 0);
    return c.toDataURL("image/png");
  });
  fs.writeFileSync(file, Buffer.from(data.split(",")[1], "base64"));
  return file;
}

// Waits until the page shows a full-size frame of a generation after gen (gen -1: any).
async function fullFrame(page, gen, ms) {
  await page.waitForFunction(
    (g) => {
      const s = window.preview.shown;
      const img = document.getElementById("frame");
      return s && s.full && s.gen > g && img.complete && img.naturalWidth > 0;
    },
    { timeout: ms, polling: 50 },
    gen,
  );
  return page.evaluate(() => window.preview.shown);
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 1000 });
    page.on("pageerror", (e) => console.log("page error: " + e.message));
    await page.goto(url, { waitUntil: "load" });

    // 1. It loads and shows the duration.
    await page.waitForFunction(() => document.getElementById("duration").textContent === "4.00s", { timeout: 10000 })
      .catch(() => fail("the page does not show the duration 4.00s"));
    const first = await fullFrame(page, -1, 15000);
    const shot0 = await page.$eval("#frame", (e) => e.src);
    const png0 = await (await page.$("#frame")).screenshot();

    // Play shows smaller frames as the playhead moves; pause shows the full-size frame there.
    await page.click("#play");
    await page.waitForFunction(() => window.preview.t > 0.3 && window.preview.shown && !window.preview.shown.full,
      { timeout: 10000, polling: 20 }).catch(() => fail("playing did not move the playhead with reduced frames"));
    await page.click("#play");
    await page.waitForFunction(() => !window.preview.playing && window.preview.shown.full &&
      window.preview.shown.t === window.preview.t && document.getElementById("frame").naturalWidth === 1920,
      { timeout: 10000 }).catch(() => fail("pausing did not show the full-size frame at the playhead"));

    // 2. A click on the scrubber at 75 % moves the playhead and the picture.
    const box = await (await page.$("#scrub")).boundingBox();
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
    await page.waitForFunction((src) => window.preview.t > 2 && document.getElementById("frame").src !== src,
      { timeout: 10000 }, shot0).catch(() => fail("clicking the scrubber did not move the frame"));
    const at = await fullFrame(page, first.gen - 1, 15000);
    await page.waitForFunction((t) => window.preview.shown.t === t && window.preview.shown.full,
      { timeout: 10000 }, await page.evaluate(() => window.preview.t));
    const t = await page.evaluate(() => window.preview.shown.t);
    const png1 = await (await page.$("#frame")).screenshot();
    if (Buffer.compare(png0, png1) === 0) fail("the screenshots before and after scrubbing are the same");

    // 3. That frame is `vidc frame`'s at the same frame and size.
    const fps = await page.evaluate(() => window.preview.state.fps);
    const f = Math.floor(t * fps + 1e-6);
    execFileSync(vidc, ["frame", spec, "--at", f + "f", "-o", path.join(out, "ref.png")], { stdio: "ignore" });
    const pageRgb = rgb(await shown(page, path.join(out, "page1.png")));
    const p1 = psnr(pageRgb, rgb(path.join(out, "ref.png")));
    if (!(p1 >= 40)) fail(`the page's frame at ${t}s (frame ${f}) differs from vidc frame: PSNR ${p1.toFixed(2)} dB`);
    console.log(`scrubbed to ${t}s: PSNR ${p1} dB against vidc frame --at ${f}f`);

    // 4. Editing the spec on disk: the page updates without a reload, the playhead kept.
    await page.evaluate(() => { window.noReload = 42; });
    const gen = at.gen;
    const text = fs.readFileSync(spec, "utf8");
    const t0 = Date.now();
    fs.writeFileSync(spec, text.replace("#2a9d8f", "#e76f51"));
    const after = await fullFrame(page, gen, REFRESH_MS).catch(() => fail(`no new frame within ${REFRESH_MS} ms of saving the spec`));
    console.log(`the edit showed after ${Date.now() - t0} ms`);
    const kept = await page.evaluate(() => [window.noReload, window.preview.t, document.getElementById("scrub").value]);
    if (kept[0] !== 42) fail("the page was reloaded");
    if (kept[1] !== t || after.t !== t) fail(`the playhead moved from ${t} to ${kept[1]} (frame at ${after.t})`);
    const pageRgb2 = rgb(await shown(page, path.join(out, "page2.png")));
    if (psnr(pageRgb, pageRgb2) === Infinity) fail("the frame did not change after the edit");
    execFileSync(vidc, ["frame", spec, "--at", f + "f", "-o", path.join(out, "ref2.png")], { stdio: "ignore" });
    const p2 = psnr(pageRgb2, rgb(path.join(out, "ref2.png")));
    if (!(p2 >= 40)) fail(`after the edit the page's frame differs from vidc frame: PSNR ${p2.toFixed(2)} dB`);

    // 5. Breaking the spec: the page shows the diagnostic, the last good frame stays.
    const broken = text.replace("#2a9d8f", "#e76f51").replace("solid #e76f51", "solid #e76f51\n  colr red");
    fs.writeFileSync(spec, broken);
    let want;
    try {
      execFileSync(vidc, ["check", "--format", "json", spec], { stdio: ["ignore", "pipe", "ignore"] });
    } catch (e) {
      const err = JSON.parse(e.stdout.toString()).diagnostics.find((d) => d.severity === "error");
      want = err && err.message;
    }
    if (!want) fail("the broken spec checks clean: the test is wrong");
    await page.waitForFunction((m) => document.getElementById("diags").textContent.includes(m),
      { timeout: REFRESH_MS }, want).catch(() => fail(`the page does not show '${want}' within ${REFRESH_MS} ms`));
    await new Promise((r) => setTimeout(r, 500)); // a frame request in flight would land by now
    const status = await page.$eval("#status", (e) => e.textContent);
    if (!status.includes("last good frame")) fail(`the status does not say the last good frame stays: '${status}'`);
    const pageRgb3 = rgb(await shown(page, path.join(out, "page3.png")));
    if (psnr(pageRgb2, pageRgb3) !== Infinity) fail("the frame changed while the spec was broken");
    console.log(`broken spec: the page shows '${want}'`);
  } finally {
    await browser.close();
  }
})().catch((e) => fail(e.stack || String(e)));
