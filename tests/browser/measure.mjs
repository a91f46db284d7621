// Measures what the lab issue asks to report (run: node tests/browser/measure.mjs [runs] [dir]):
// boundary updates per second per pane with both panes a 2-8-8-1 MLP on 500 points, the time
// from navigation to the page being ready and to its first trained frame (each start in a fresh
// browser context, so a cold cache; the median and range of the runs), and the wasm's size.
//
// With dir, another checkout (built: make wasm) is measured too, its starts interleaved with
// this one's in the same browser, so the machine's drift falls on both alike. For example the
// state before a change: git worktree add /tmp/before HEAD~3 && (cd /tmp/before && make wasm).
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { start, serve, root } from "./harness.mjs";

const runs = Number(process.argv[2] || 5);
const other = process.argv[3];
const env = await start();
const builds = [{ name: "this checkout", dir: root, base: env.base }];
if (other) builds.push({ name: other, dir: other, ...(await serve(other)) });
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const summary = (a) => ({ median: median(a), min: Math.min(...a), max: Math.max(...a) });
const m = (extra) => ({ kind: "mlp", hidden: [8, 8], activation: "tanh", output: "sigmoid", loss: "crossentropy", init: "xavier", optimizer: "sgd", learningRate: 0.1, momentum: 0.9, batch: 10, seed: 1, ...extra });
const scene = { data: { kind: "xor", points: 500, classes: 2, noise: 0.05, testFraction: 0.3, seed: 1, custom: [] }, panes: [m(), m({ seed: 2 })], speed: 1, big: false };
const hash = "#lab=" + Buffer.from(JSON.stringify(scene)).toString("base64url");

// open starts the lab of build b in a fresh context and presses Play (the keyboard's Space) the
// moment the page is ready. Times are by the page's own clock from navigation start.
async function open(b) {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(b.base + hash);
  await page.waitForSelector("body[data-ready=true]");
  await page.keyboard.press(" ");
  await page.waitForSelector("body[data-first-trained-ms]");
  const at = async (name) => Number(await page.getAttribute("body", name));
  const ready = await at("data-ready-ms"), trained = await at("data-first-trained-ms"), play = await at("data-play-ms");
  return { page, ready, trained, play };
}

// playRate is the updates per second per pane over 5 s of play, after 5 s for the browser to
// finish compiling the wasm, and the worker's own time per frame (data-timing) sampled meanwhile.
async function playRate(page) {
  await page.waitForTimeout(5000);
  const f0 = Number(await page.getAttribute("body", "data-frames"));
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
  // Each pane's frame is drawn when its worker answers: two renders per update of both panes.
  return { updates_per_second_per_pane: (f1 - f0) / 2 / 5, worker_ms_per_pane_frame: workerMs };
}

try {
  for (const b of builds) Object.assign(b, { ready: [], trained: [], playToTrained: [] });
  for (let r = 0; r < runs; r++) {
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      const s = await open(b);
      b.ready.push(s.ready);
      b.trained.push(s.trained);
      // From the page hearing Play to that frame: the part that is not the test driver's (a
      // build without data-play-ms reports its whole time to the frame here).
      b.playToTrained.push(s.trained - s.play);
      if (r === runs - 1) Object.assign(b, await playRate(s.page));
      await s.page.context().close();
    }
  }
  for (const b of builds) {
    const raw = readFileSync(join(b.dir, "web", "playground.wasm"));
    const res = await fetch(b.base + "playground.wasm", { headers: { "Accept-Encoding": "gzip" } });
    console.log(JSON.stringify({
      build: b.name, runs, page_ready_ms: summary(b.ready), first_trained_frame_ms: summary(b.trained),
      play_to_first_trained_frame_ms: summary(b.playToTrained),
      updates_per_second_per_pane: b.updates_per_second_per_pane, worker_ms_per_pane_frame: b.worker_ms_per_pane_frame,
      // Across a network the wasm travels gzipped; to this machine's own browser, as it is.
      wasm_bytes: raw.length, wasm_gzip_bytes: gzipSync(raw).length, content_encoding_on_localhost: res.headers.get("content-encoding"),
    }, null, 1));
  }
} finally {
  for (const b of builds.slice(1)) b.server.kill();
  await env.stop();
}
