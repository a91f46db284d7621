// The page's one client for a worker: web/worker.js runs the Go engines and the messages are
// documented in core/engine/protocol.go. Each page section makes its own worker with connect().
"use strict";

// connect starts a worker for the engine called name ("lab", "digits", "lessons"), hands it the
// compiled WebAssembly module, and returns ask(msg) → Promise of the reply. msg may carry
// bytes: {name: ArrayBuffer | Uint8Array} (transferred, not copied) and fetch: {name: url}. A
// reply's own bytes arrive as reply.bytes: {name: Uint8Array}. An error reply ({type: "error",
// error}) resolves too, so a caller always hears back and decides what to show; onError hears
// only what answers no request (the engine failing to start or stopping). worker may be one
// already started (boot.js starts the lab's before the page has loaded).
export function connect(name, module, onError = () => {}, worker = new Worker("worker.js")) {
  const pending = new Map(); // id → resolve
  let nextId = 1;
  worker.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === "ready") return;
    const resolve = pending.get(msg.id);
    if (resolve) { pending.delete(msg.id); resolve(msg); }
    else if (msg.type === "error") onError(msg.error);
  };
  worker.onerror = (e) => onError("The network engine failed to load: " + (e.message || "unknown error"));
  Promise.resolve(module).then(
    (m) => worker.postMessage({ type: "module", module: m }),
    (err) => onError("Could not load the network engine: " + err.message),
  );
  function ask(msg) {
    const id = nextId++;
    const transfer = Object.values(msg.bytes || {}).map((b) => (ArrayBuffer.isView(b) ? b.buffer : b));
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ page: name, ...msg, id }, transfer);
    });
  }
  return { ask, worker };
}
