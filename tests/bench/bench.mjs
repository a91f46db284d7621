// Seconds per MNIST epoch in headless Chromium: Somehow's Go core in its web worker (paper
// preset and 784-128-10) against TF.js's WebAssembly backend on 784-128-10.
// Run: make bench-browser (installs TF.js into tests/bench/node_modules first).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { start, root } from "../browser/harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const routes = {
  "/tfjs/": join(here, "node_modules/@tensorflow/tfjs/dist/"),
  "/wasm/": join(here, "node_modules/@tensorflow/tfjs-backend-wasm/dist/"),
  "/mnist/": join(root, "assets/mnist/"),
  "/": here + "/",
};
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".gz": "application/octet-stream" };

function tfjsServer() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const prefix = Object.keys(routes).find((p) => path.startsWith(p));
    const rest = path.slice(prefix.length);
    if (rest.includes("..")) { res.writeHead(400).end(); return; }
    try {
      const body = await readFile(join(routes[prefix], rest));
      res.writeHead(200, { "Content-Type": types[extname(path)] || "application/octet-stream" }).end(body);
    } catch { res.writeHead(404).end(); }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function somehowEpoch(env, preset) {
  const page = await env.page("#digits");
  await page.waitForSelector("body[data-digits-ready=true]", { timeout: 60000 });
  await page.selectOption("#tPreset", preset);
  await page.fill("#tEpochs", "1");
  await page.click("#tStart");
  await page.waitForFunction(() => /examples\/s/.test(document.querySelector("#tStatus").textContent), null, { timeout: 120000 });
  const t0 = Date.now();
  await page.waitForFunction(() => /testing on/.test(document.querySelector("#tStatus").textContent) || document.body.dataset.testError, null, { timeout: 600000 });
  const wall = (Date.now() - t0) / 1000;
  const status = await page.locator("#tStatus").textContent();
  const rate = Number(/([\d,]+) examples\/s/.exec(status)[1].replace(/,/g, ""));
  await page.waitForFunction(() => document.body.dataset.testError, null, { timeout: 600000 });
  const testError = Number(await page.getAttribute("body", "data-test-error"));
  const memoryMB = Number(await page.getAttribute("body", "data-worker-memory-mb"));
  await page.close();
  return { preset, seconds_per_epoch: 60000 / rate, wall_seconds_from_first_progress: wall, examples_per_second: rate, test_error_after_1_epoch: testError, worker_wasm_memory_mb: memoryMB };
}

const env = await start();
const server = await tfjsServer();
try {
  const results = [];
  for (const preset of ["fast", "paper"]) results.push(await somehowEpoch(env, preset));
  const page = await env.browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/tfjs.html`);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 900000 });
  const tfjs = await page.evaluate(() => window.benchResult);
  results.push({ preset: "fast (TF.js wasm)", ...tfjs });
  console.log(JSON.stringify(results, null, 1));
  if (tfjs.seconds) console.log(`Go core / TF.js on 784-128-10: ${(results[0].seconds_per_epoch / tfjs.seconds).toFixed(2)}x the time`);
} finally {
  server.close();
  await env.stop();
}
