// Measures what the lab issue asks to report (run: node tests/browser/measure.mjs [runs]):
// boundary updates per second per pane with both panes a 2-8-8-1 MLP on 500 points, the time
// from navigation to the page being ready and to its first trained frame (each start in a fresh
// browser context, so a cold cache; the median and range of the runs), and the wasm's size raw
// and as served.
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { start, root } from "./harness.mjs";

const runs = Number(process.argv[2] || 5);
const env = await start();
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const summary = (a) => ({ median: median(a), min: Math.min(...a), max: Math.max(...a) });
try {
  const m = (extra) => ({ kind: "mlp", hidden: [8, 8], activation: "tanh", output: "sigmoid", loss: "crossentropy", init: "xavier", optimizer: "sgd", learningRate: 0.1, momentum: 0.9, batch: 10, seed: 1, ...extra });
  const scene = { data: { kind: "xor", points: 500, classes: 2, noise: 0.05, testFraction: 0.3, seed: 1, custom: [] }, panes: [m(), m({ seed: 2 })], speed: 1, big: false };
  const hash = "#lab=" + Buffer.from(JSON.stringify(scene)).toString("base64url");

  // Start-up, by the page's own clock from navigation start (no test-driver latency): ready is
  // the first frame drawn; the first trained frame is drawn after pressing Play (the keyboard's
  // Space, sent the moment the page is ready).
  const ready = [], trained = [], playToTrained = [];
  let page;
  for (let r = 0; r < runs; r++) {
    if (page) await page.context().close();
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    await page.goto(env.base + hash);
    await page.waitForSelector("body[data-ready=true]");
    await page.keyboard.press(" ");
    await page.waitForSelector("body[data-first-trained-ms]");
    ready.push(Number(await page.getAttribute("body", "data-ready-ms")));
    trained.push(Number(await page.getAttribute("body", "data-first-trained-ms")));
    playToTrained.push(trained.at(-1) - Number(await page.getAttribute("body", "data-play-ms")));
  }

  // Updates per second over 5 s of play, after 5 s for the browser to finish compiling the wasm.
  await page.waitForTimeout(5000);
  const f0 = Number(await page.getAttribute("body", "data-frames"));
  const e0 = Number(await page.locator('.pane[data-pane="1"]').getAttribute("data-epoch"));
  // Sample the worker's own time per frame (data-timing) every 50 ms over the same 5 s.
  const workerMs = await page.evaluate(async () => {
    const seen = [];
    const end = performance.now() + 5000;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      seen.push(JSON.parse(document.body.dataset.timing).worker);
    }
    seen.sort((a, b) => a - b);
    return { median: seen[seen.length >> 1], mean: seen.reduce((a, b) => a + b, 0) / seen.length, samples: seen.length };
  });
  const f1 = Number(await page.getAttribute("body", "data-frames"));
  const e1 = Number(await page.locator('.pane[data-pane="1"]').getAttribute("data-epoch"));
  const raw = readFileSync(join(root, "web", "playground.wasm"));
  const res = await fetch(env.base + "playground.wasm", { headers: { "Accept-Encoding": "gzip" } });
  console.log(JSON.stringify({
    runs, page_ready_ms: summary(ready), first_trained_frame_ms: summary(trained),
    // From the page hearing Play to that frame: the part that is not the test driver's.
    play_to_first_trained_frame_ms: summary(playToTrained),
    // Each pane's frame is drawn when its worker answers: two renders per animation frame.
    updates_per_second_per_pane: (f1 - f0) / 2 / 5, worker_ms_per_pane_frame: workerMs, epochs_per_second: (e1 - e0) / 5,
    // Across a network the wasm travels gzipped; to this machine's own browser, as it is.
    wasm_bytes: raw.length, wasm_gzip_bytes: gzipSync(raw).length, content_encoding_on_localhost: res.headers.get("content-encoding"),
  }, null, 1));
} finally {
  await env.stop();
}
