// The edge build (wasm/edge on github.com/syumai/workers) under local workerd: the page works
// there, a drawn digit is read, and the API answers good and bad bodies as the Go tests expect.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, screenshotDir } from "./harness.mjs";
import { startEdge } from "./edge.mjs";
import { classAPI } from "./class-api.mjs";

let edge, browser;
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  edge = await startEdge(await freePort());
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => { await browser?.close(); edge?.stop(); });

const post = (body, type = "application/json") => fetch(edge.base + "api/predict", { method: "POST", headers: { "Content-Type": type }, body });

test("the site is served at the edge with its security headers, and a drawn 7 is read there", async () => {
  const res = await fetch(edge.base);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-security-policy"), /wasm-unsafe-eval/);
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(edge.base + "#digits");
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  const box = await page.locator("#pad").boundingBox();
  const pt = (x, y) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...pt(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [[0.75, 0.2], [0.45, 0.85]]) await page.mouse.move(...pt(x, y), { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector("#verdict").dataset.digit === "7", null, { timeout: 10000 });
  await page.screenshot({ path: join(screenshotDir, "edge-digits.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the API at the edge: models, a good canvas, and bad bodies with clear 4xx answers", async () => {
  const models = await (await fetch(edge.base + "api/models")).json();
  assert.deepEqual(models.models.map((m) => m.name), ["conv", "paper"]);
  // A 7 on a 60×60 canvas.
  const w = 60, px = new Array(w * w).fill(0);
  const ink = (x, y) => { for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) { const X = x + dx, Y = y + dy; if (X >= 0 && X < w && Y >= 0 && Y < w) px[Y * w + X] = 1; } };
  for (let x = 15; x <= 45; x++) ink(x, 12);
  for (let t = 0; t <= 1; t += 0.01) ink(Math.round(45 - 18 * t), Math.round(12 + 36 * t));
  for (const model of ["conv", "paper"]) {
    const res = await post(JSON.stringify({ canvas: { width: w, height: w, pixels: px }, model }));
    const p = await res.json();
    assert.equal(res.status, 200, JSON.stringify(p));
    assert.equal(p.digit, 7, `${model} read the 7 as ${p.digit}`);
    assert.equal(p.outputs.length, 10);
    assert.equal(p.model, model);
  }
  const bad = [
    [await fetch(edge.base + "api/predict"), 405, /POST/],
    [await post("{}", "text/plain"), 415, /application\/json/],
    [await post("nonsense"), 400, /not the JSON/],
    [await post(JSON.stringify({ image: [1, 2, 3] })), 400, /784/],
    [await post(JSON.stringify({ image: new Array(784).fill(2) })), 400, /0 to 1/],
    [await post(JSON.stringify({ image: new Array(784).fill(0), model: "huge" })), 404, /no model/],
    [await post("[" + "0,".repeat(600000) + "0]"), 413, /over/],
  ];
  for (const [res, status, message] of bad) {
    const body = await res.json();
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match(body.error, message);
  }
  // The worker still answers after all that.
  assert.equal((await fetch(edge.base + "api/models")).status, 200);
});

test("the edge worker fits the free plan: under 3 MB compressed, and its API answers carry the security headers", async () => {
  const size = gzipSync(readFileSync(join(root, "build", "edge", "app.wasm")), { level: 9 }).length;
  assert.ok(size < 3_000_000, `the edge worker is ${(size / 1e6).toFixed(2)} MB compressed`);
  const res = await fetch(edge.base + "api/models");
  for (const h of ["x-content-type-options", "content-security-policy", "referrer-policy", "cross-origin-opener-policy"]) {
    assert.ok(res.headers.get(h), `/api/models at the edge lacks ${h}`);
  }
  // It listens too (the small listening model), and a body that is no MP3 gets a sentence.
  const hear = await fetch(edge.base + "api/hear", { method: "POST", headers: { "Content-Type": "audio/mpeg" }, body: "x" });
  assert.equal(hear.status, 400);
  assert.match((await hear.json()).error, /not an MP3/);
  const clip = join(root, "assets", "fsdd", "mp3", "7_yweweler_2.mp3");
  if (existsSync(clip)) {
    const heard = await fetch(edge.base + "api/hear", { method: "POST", headers: { "Content-Type": "audio/mpeg" }, body: readFileSync(clip) });
    const p = await heard.json();
    assert.equal(heard.status, 200, JSON.stringify(p));
    assert.equal(p.digit, 7, `a spoken 7 was heard at the edge as ${p.digit}`);
  }
});

test("a class at the edge: the projector follows it by polling (no event streams there), a phone's drawing arrives", { timeout: 120000 }, async () => {
  const teacher = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  teacher.on("pageerror", (e) => errors.push(e.message));
  await teacher.goto(edge.base + "#class");
  await teacher.click("#classOpen"); // waits until the button is enabled: the page's module is ready
  await teacher.waitForSelector("#classQR[data-size]", { timeout: 60000 });
  const code = await teacher.getAttribute("body", "data-class-code");
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(edge.base + "#class=" + code);
  await phone.waitForSelector("#phoneName:not(:empty)");
  await teacher.waitForFunction(() => document.body.dataset.classPhones === "1", null, { timeout: 5000 });
  // A 7, drawn with the mouse on the phone's pad, named (the class asks for any digit), sent.
  const box = await phone.locator("#phonePad").boundingBox();
  await phone.mouse.move(box.x + 0.25 * box.width, box.y + 0.2 * box.height);
  await phone.mouse.down();
  for (const [x, y] of [[0.75, 0.2], [0.45, 0.85]]) await phone.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
  await phone.mouse.up();
  await phone.click("#phoneSaid [data-digit='7']");
  const sent = Date.now();
  await phone.click("#phoneSend");
  await teacher.waitForFunction(() => document.body.dataset.classDrawings === "1", null, { timeout: 5000 });
  console.log(`at the edge a drawing was on the projector ${Date.now() - sent} ms after Send (polling)`);
  assert.match(await phone.textContent("#phoneRead"), /^Read as 7/);
  await teacher.screenshot({ path: join(screenshotDir, "edge-class.png") });
  assert.deepEqual(errors, []);
  await phone.close();
  await teacher.close();
});

// Last: its 200 wrong codes hold this address back at the edge for ten minutes (counted in D1).
test("the class API at the edge (D1 under local workerd) answers as the local server does", { timeout: 180000 }, async () => {
  await classAPI(edge.base);
});
