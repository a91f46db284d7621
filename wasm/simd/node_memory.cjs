// Hands a Go program its own memory as globalThis.somehowGoMemory, as web/worker.js does in the
// page, so wasm/simd can install its loop when Go's WebAssembly tests run under Node
// (the Makefile's test-wasm sets NODE_OPTIONS=--require=<this file>).
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const instance = result.instance || result;
  if (instance.exports && instance.exports.mem instanceof WebAssembly.Memory) globalThis.somehowGoMemory = instance.exports.mem;
  return result;
};
