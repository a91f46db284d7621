// What data-parallel training in the page would pay per batch to move gradients between web
// workers: a round trip of one network's worth of float32s (784-128-10: 101 770; the pad's conv
// net: 215 370) from a worker to the page and back, copied (structured clone), transferred, and
// through a SharedArrayBuffer (the page cross-origin isolated) with Atomics for the hand-over.
// The reply does what a reducer would: adds the worker's numbers into a sum. Reports
// window.benchResult: milliseconds a round trip, the median of 200.
const sizes = { "784-128-10": 101770, "conv (pad)": 215370 };
const workerSource = `
onmessage = (e) => {
  const m = e.data;
  if (m.kind === "shared") {
    const flag = new Int32Array(m.flag), data = new Float32Array(m.data);
    for (let i = 0; i < m.rounds; i++) {
      for (let j = 0; j < data.length; j++) data[j] = j * 1e-6 + i; // the worker's gradients
      Atomics.store(flag, 0, 1); Atomics.notify(flag, 0);
      Atomics.wait(flag, 0, 1); // until the reducer has taken them
    }
    return;
  }
  const g = m.grad ? new Float32Array(m.grad) : new Float32Array(m.n);
  for (let j = 0; j < g.length; j++) g[j] = j * 1e-6;
  if (m.transfer) postMessage({ grad: g.buffer }, [g.buffer]); else postMessage({ grad: g.buffer });
};`;
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

async function roundTrips(n, transfer) {
  const w = new Worker(URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })));
  const sum = new Float32Array(n), times = [];
  let buf = new Float32Array(n).buffer;
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now();
    const reply = await new Promise((resolve) => {
      w.onmessage = (e) => resolve(e.data);
      if (transfer) w.postMessage({ n, grad: buf, transfer }, [buf]); else w.postMessage({ n, grad: buf, transfer });
    });
    const g = new Float32Array(reply.grad);
    for (let j = 0; j < n; j++) sum[j] += g[j];
    buf = reply.grad;
    if (i >= 20) times.push(performance.now() - t0);
  }
  w.terminate();
  return median(times);
}

async function sharedTrips(n) {
  if (!self.crossOriginIsolated) return null;
  const w = new Worker(URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" })));
  const flagBuf = new SharedArrayBuffer(4), dataBuf = new SharedArrayBuffer(4 * n);
  const flag = new Int32Array(flagBuf), data = new Float32Array(dataBuf), sum = new Float32Array(n);
  const rounds = 220, times = [];
  w.postMessage({ kind: "shared", flag: flagBuf, data: dataBuf, rounds });
  let t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    while (Atomics.load(flag, 0) !== 1) await Atomics.waitAsync(flag, 0, 0).value;
    for (let j = 0; j < n; j++) sum[j] += data[j];
    Atomics.store(flag, 0, 0); Atomics.notify(flag, 0);
    const t = performance.now();
    if (i >= 20) times.push(t - t0);
    t0 = t;
  }
  w.terminate();
  return median(times); // includes the worker writing its numbers: an upper bound
}

(async () => {
  const out = { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency };
  for (const [name, n] of Object.entries(sizes)) {
    out[name] = { floats: n, copiedMs: await roundTrips(n, false), transferredMs: await roundTrips(n, true), sharedMs: await sharedTrips(n) };
  }
  window.benchResult = out;
})().catch((e) => { window.benchResult = { error: String(e) }; });
