// Trains ConvNetJS's MNIST demo network (conv 5x5x8 same, relu, pool 2, conv 5x5x16 same, relu,
// pool 3, softmax 10; SGD lr 0.01 momentum 0.9, batch 64) on MNIST's first training images in
// this page, for timing against Somehow's "convnetjs" preset. Reports in window.benchResult.
/* global convnetjs */
/* global idx */ // mnist-idx.js

async function run() {
  const examples = Number(new URLSearchParams(location.search).get("examples")) || 2000;
  const images = await idx("/mnist/train-images-idx3-ubyte.gz");
  const labels = await idx("/mnist/train-labels-idx1-ubyte.gz");
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: "input", out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: "conv", sx: 5, filters: 8, stride: 1, pad: 2, activation: "relu" },
    { type: "pool", sx: 2, stride: 2 },
    { type: "conv", sx: 5, filters: 16, stride: 1, pad: 2, activation: "relu" },
    { type: "pool", sx: 3, stride: 3 },
    { type: "softmax", num_classes: 10 },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: "sgd", learning_rate: 0.01, momentum: 0.9, batch_size: 64, l2_decay: 0 });
  const vol = new convnetjs.Vol(28, 28, 1, 0);
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < examples; i++) {
    for (let j = 0; j < 784; j++) vol.w[j] = images.data[i * 784 + j] / 255;
    loss = trainer.train(vol, labels.data[i]).loss;
  }
  const seconds = (performance.now() - t0) / 1000;
  window.benchResult = { examples, seconds, seconds_per_epoch: (seconds * 60000) / examples, lastLoss: loss };
}
run().catch((e) => { window.benchResult = { error: String(e) }; });
