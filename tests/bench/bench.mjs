// Seconds per MNIST epoch in headless Chromium: Somehow's Go core in its web worker (paper
// preset and 784-128-10) against TF.js's WebAssembly backend on 784-128-10, and ConvNetJS's MNIST
// demo network trained by Somehow and by ConvNetJS in the same run (both timed on the first few
// thousand images and scaled to 60 000: ConvNetJS takes many minutes an epoch).
// Run: make bench-browser (installs TF.js and ConvNetJS into tests/bench/node_modules first);
// BENCH=mlp or BENCH=conv runs only that half, RUNS=3 repeats it all and gives each ratio's spread;
// BENCH=exchange only measures what moving gradients between workers costs (exchange.js);
// BENCH=workers times Somehow alone on 1, 2 and 4 workers (?workers=N) and on the count the
// page chooses from navigator.hardwareConcurrency, with the time a batch spends exchanging.
// TF.js runs twice: as fast as it goes here (its threaded SIMD build, the page cross-origin
// isolated) and on one thread.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { start, root } from "../browser/harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const routes = {
  "/tfjs/": join(here, "node_modules/@tensorflow/tfjs/dist/"),
  "/wasm/": join(here, "node_modules/@tensorflow/tfjs-backend-wasm/dist/"),
  "/convnetjs/": join(here, "node_modules/convnetjs/build/"),
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
      // Cross-origin isolated (COOP + COEP): SharedArrayBuffer exists, so TF.js's wasm backend
      // can run its threaded build, its fastest here.
      res.writeHead(200, { "Content-Type": types[extname(path)] || "application/octet-stream",
        "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }).end(body);
    } catch { res.writeHead(404).end(); }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function somehowEpoch(env, preset, trainLimit = 0, workers = 0) {
  const query = new URLSearchParams();
  if (trainLimit) query.set("trainLimit", trainLimit);
  if (workers) query.set("workers", workers);
  const page = await env.page((query.size ? "?" + query : "") + "#digits");
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
  const simd = await page.getAttribute("body", "data-worker-simd");
  const team = await page.evaluate(() => ({ workers: Number(document.body.dataset.trainWorkers), used: Number(document.body.dataset.teamSize), hardwareConcurrency: navigator.hardwareConcurrency,
    exchange_ms_a_batch: Number(document.body.dataset.exchangeMs || 0), own_shards_ms_a_batch: Number(document.body.dataset.computeMs || 0) }));
  await page.close();
  return { preset, ...team, seconds_per_epoch: 60000 / rate, wall_seconds_from_first_progress: wall, examples_per_second: rate, test_error_after_1_epoch: testError, worker_wasm_memory_mb: memoryMB, products_in_simd: simd === "true" };
}

const env = await start();
const server = await tfjsServer();
try {
  const runs = Number(process.env.RUNS || 1);
  const ratioRuns = {};
  const only = process.env.BENCH || "";
  const port = server.address().port;
  const foreign = async (url) => {
    const page = await env.browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/${url}`);
    await page.waitForFunction(() => window.benchResult, null, { timeout: 1800000 });
    const r = await page.evaluate(() => window.benchResult);
    await page.close();
    return r;
  };
  const ratio = (name, v) => { (ratioRuns[name] ||= []).push(v); console.log(`${name}: ${v.toFixed(2)}x the time`); };
  if (only === "workers") {
    // How the speed scales with the team: the same training on 1, 2 and 4 workers, and on the
    // count the page picks here itself (0).
    for (let run = 1; run <= runs; run++) {
      for (const [preset, limit] of [["fast", 0], ["convnetjs", 3000]]) {
        const byCount = {};
        for (const workers of [1, 2, 4, 0]) {
          const r = await somehowEpoch(env, preset, limit, workers);
          console.log(JSON.stringify({ run, asked: workers || "the page's choice", ...r }));
          byCount[workers] = r.seconds_per_epoch;
        }
        for (const w of [2, 4]) ratio(`${preset}: ${w} workers / 1 worker, time an epoch`, byCount[w] / byCount[1]);
      }
    }
  }
  for (let run = 1; run <= runs && only !== "exchange" && only !== "workers"; run++) {
    const results = [];
    if (only !== "conv") {
      const mlp = [];
      for (const preset of ["fast", "paper"]) mlp.push(await somehowEpoch(env, preset));
      // TF.js on one thread, with its own choice of threads, and with one a core; the fastest
      // of them is TF.js at its best here.
      const tf = [];
      for (const q of ["threads=1", "", "threads=cores"]) {
        const r = await foreign("tfjs.html?" + q);
        results.push({ preset: `fast (TF.js wasm, ${q || "its own thread count"})`, ...r });
        if (r.seconds) tf.push(r);
      }
      const single = tf.find((r) => r.threadsCount === 1);
      const best = tf.reduce((a, b) => (b.seconds < a.seconds ? b : a), tf[0]);
      results.unshift(...mlp);
      if (best) ratio(`Go core / TF.js at its fastest here (wasm, SIMD${best.threads ? ", threaded build" : ""}, ${best.threadsCount} thread(s)) on 784-128-10`, mlp[0].seconds_per_epoch / best.seconds);
      if (single) ratio("Go core / TF.js (wasm, SIMD, 1 thread) on 784-128-10", mlp[0].seconds_per_epoch / single.seconds);
    }
    if (only !== "mlp") {
      const conv = await somehowEpoch(env, "convnetjs", 6000);
      const convnetjs = await foreign("convnetjs.html?examples=2000");
      results.push(conv, { preset: "convnetjs (ConvNetJS 0.3.0, 2000 images, scaled)", ...convnetjs });
      if (convnetjs.seconds_per_epoch) ratio("Go core / ConvNetJS on its MNIST demo network", conv.seconds_per_epoch / convnetjs.seconds_per_epoch);
    }
    console.log(`run ${run} of ${runs}:`, JSON.stringify(results, null, 1));
  }
  if (only === "" || only === "exchange") {
    // What going parallel would cost: a network's gradients from a worker to the page and back.
    console.log("moving gradients between workers, ms a round trip:", JSON.stringify(await foreign("exchange.html"), null, 1));
  }
  for (const [name, vs] of Object.entries(ratioRuns)) console.log(`${name}: ${Math.min(...vs).toFixed(2)}-${Math.max(...vs).toFixed(2)}x over ${vs.length} run(s)`);
} finally {
  server.close();
  await env.stop();
}
