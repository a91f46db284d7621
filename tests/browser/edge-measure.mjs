// Measures the edge build under local workerd (run after make edge-build):
// cold start (wrangler start to first answer), the first API call, then p50/p99 latency of 1000
// sequential predict requests, and the worker's wasm size, raw and gzip-compressed.
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { root } from "./harness.mjs";
import { startEdge } from "./edge.mjs";

const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const edge = await startEdge(port);
try {
  const image = new Array(784).fill(0);
  for (let i = 300; i < 500; i += 3) image[i] = 1;
  const body = JSON.stringify({ image });
  const times = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    const res = await fetch(edge.base + "api/predict", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    await res.json();
    if (res.status !== 200) throw new Error("status " + res.status);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const wasm = readFileSync(join(root, "build/edge/app.wasm"));
  console.log(JSON.stringify({
    cold_start_ms_wrangler_to_first_answer: edge.startMs, first_request_ms: times[0],
    p50_ms: q(0.5), p99_ms: q(0.99), max_ms: sorted[sorted.length - 1],
    wasm_bytes: wasm.length, wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length, free_plan_limit_bytes_compressed: 3 * 1024 * 1024,
  }, null, 1));
} finally {
  edge.stop();
}
