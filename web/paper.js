// What the digits page and the paper's experiment share: MNIST's four original files, named as
// the worker expects them (core/mnist Files), and the paper's own results for its network.

export const MNIST = Object.fromEntries(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
  "t10k-labels-idx1-ubyte.gz"].map((f) => [f, "assets/mnist/" + f]));

// The paper's figures: its 784-16-16-16-10 network's test error after one and five epochs, and
// its best, with "a much larger network".
export const PAPER = [
  { epoch: 1, error: 10, label: "the paper: around 10% after 1 epoch, 5% after 5" },
  { epoch: 5, error: 5 },
  { epoch: 4, error: 2.7, label: "the paper's best, a much larger network: 2.7% after 4 epochs", best: true },
];

// mnistMissing says in a sentence why MNIST could not be loaded when it is not kept on this
// device for offline use, or "" when it is (the failure was something else).
export async function mnistMissing() {
  if (!("caches" in self)) return "";
  for (const url of Object.values(MNIST)) {
    if (!(await caches.match(url))) {
      return "MNIST (11 MB) is not saved on this device yet: it is saved in the background during a visit with a network, so open Somehow once while online and training will work offline after that.";
    }
  }
  return "";
}
