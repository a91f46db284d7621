// Trains 784-128-10 (ReLU, softmax, cross-entropy, SGD lr 0.05 momentum 0.9, batch 64) on MNIST
// for one epoch with TF.js's WebAssembly backend: the same network and data as Somehow's "fast"
// preset. Reports seconds per epoch in window.benchResult.
/* global tf */
/* global idx */ // mnist-idx.js

async function run() {
  tf.wasm.setWasmPaths("/wasm/");
  // ?threads=1 holds it to one thread, ?threads=cores gives it one a core; otherwise TF.js takes
  // as many as it likes (its threaded build needs the page cross-origin isolated, which the
  // bench server's headers make it).
  const asked = new URLSearchParams(location.search).get("threads");
  const threads = asked === "cores" ? navigator.hardwareConcurrency : Number(asked) || 0;
  if (threads) tf.wasm.setThreadsCount(threads);
  await tf.setBackend("wasm");
  await tf.ready();
  const images = await idx("/mnist/train-images-idx3-ubyte.gz");
  const labels = await idx("/mnist/train-labels-idx1-ubyte.gz");
  const n = images.shape[0];
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 128, activation: "relu", kernelInitializer: "heNormal" }));
  model.add(tf.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: tf.train.momentum(0.05, 0.9), loss: "categoricalCrossentropy" });
  const batch = 64;
  const order = tf.util.createShuffledIndices(n);
  const x = new Float32Array(batch * 784), y = new Float32Array(batch * 10);
  const t0 = performance.now();
  let loss = 0;
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    y.fill(0);
    for (let r = 0; r < rows; r++) {
      const i = order[start + r];
      for (let j = 0; j < 784; j++) x[r * 784 + j] = images.data[i * 784 + j] / 255;
      y[r * 10 + labels.data[i]] = 1;
    }
    const xs = tf.tensor2d(x.subarray(0, rows * 784), [rows, 784]);
    const ys = tf.tensor2d(y.subarray(0, rows * 10), [rows, 10]);
    const h = await model.trainOnBatch(xs, ys);
    loss = h;
    xs.dispose();
    ys.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  window.benchResult = { backend: tf.getBackend(), simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"), threads: await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"),
    threadsCount: tf.wasm.getThreadsCount(), crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, seconds, examples: n, lastLoss: loss };
}
run().catch((e) => { window.benchResult = { error: String(e) }; });
