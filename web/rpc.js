// The page's one client for a worker: web/worker.js runs the compiled WebAssembly module (the Go
// core) and the messages are documented in core/engine/protocol.go. Each page section makes its
// own worker with connect().
"use strict";

// trainingWorkers is how many workers may share a training (core/nn/team.go): one a core,
// keeping a core for the page, at most four, and a power of two (the batch's fixed tree of four
// shards splits into 1, 2 or 4 whole parts). The trainer uses as many of them as it finds pay.
// ?workers=N in the address (1, 2 or 4) pins the count: every batch uses N (tests, benchmarks).
// The result is the same bits whatever the count.
export function trainingWorkers() {
  const asked = Number(new URLSearchParams(location.search).get("workers"));
  if ([1, 2, 4].includes(asked)) return { workers: asked, pinned: true };
  const spare = Math.min(4, (navigator.hardwareConcurrency || 1) - 1);
  return { workers: spare >= 4 ? 4 : spare >= 2 ? 2 : 1, pinned: false };
}

// simd is whether workers run the products' SIMD loop (wasm/simd); ?simd=off in the address runs
// Go's own loops instead, which give the same bits (a test compares them).
const simd = new URLSearchParams(location.search).get("simd") !== "off";

// connect starts a worker for the page called name ("lab", "digits", "lessons"), hands it the
// compiled WebAssembly module, and returns {ask, worker, team}. ask(msg, {quiet}) → Promise of the
// reply. msg may carry bytes: {name: ArrayBuffer | Uint8Array} (transferred, not copied) and
// fetch: {name: url}; a reply's own bytes arrive as reply.bytes: {name: Uint8Array}. An error
// reply ({type: "error", error}) resolves too, so a caller always hears back and decides what to
// do, and notice(text, true) shows it unless the ask was quiet. What answers no request (the
// module failing to start, Go stopping) goes to notice too. worker may be one already started
// (boot.js starts the lab's before the page has loaded).
export function connect(name, module, { notice = () => {}, worker = new Worker("worker.js") } = {}) {
  const pending = new Map(); // id → resolve
  let nextId = 1;
  worker.onmessage = (e) => {
    const msg = e.data;
    if (msg.type === "ready") return;
    const resolve = pending.get(msg.id);
    if (resolve) { pending.delete(msg.id); resolve(msg); }
    else if (msg.type === "error") notice(msg.error, true);
  };
  worker.onerror = (e) => notice("The network engine failed to load: " + (e.message || "unknown error"), true);
  Promise.resolve(module).then(
    (m) => worker.postMessage({ type: "module", module: m, simd }),
    (err) => notice("Could not load the network engine: " + err.message, true),
  );
  // team() gives the worker its helpers, once: trainingWorkers() − 1 more workers running the
  // same module, each linked to it by a MessageChannel; it resolves with the team's size.
  let teamReady = null;
  function team() {
    teamReady ||= (async () => {
      const ports = [];
      const { workers, pinned } = trainingWorkers();
      for (let i = 1; i < workers; i++) {
        const helper = new Worker("worker.js");
        helper.onerror = (e) => notice("A training worker failed to load: " + (e.message || "unknown error"), true);
        helper.onmessage = (e) => { if (e.data.type === "error") notice(e.data.error, true); };
        Promise.resolve(module).then((m) => helper.postMessage({ type: "module", module: m, simd }), () => {});
        const channel = new MessageChannel();
        helper.postMessage({ type: "port", port: channel.port2 }, [channel.port2]);
        ports.push(channel.port1);
      }
      const r = await ask({ type: "helpers", ports, pinned }, { transfer: ports });
      return r.type === "team" ? r.workers : 1;
    })();
    return teamReady;
  }
  function ask(msg, { quiet = false, transfer: also = [] } = {}) {
    const id = nextId++;
    const transfer = Object.values(msg.bytes || {}).map((b) => (ArrayBuffer.isView(b) ? b.buffer : b)).concat(also);
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ page: name, ...msg, id }, transfer);
    }).then((reply) => {
      if (reply.type === "error" && !quiet) notice(reply.error, true);
      return reply;
    });
  }
  return { ask, worker, team };
}

// teach runs a lesson (core/nn's Lesson) in the worker a slice at a time, so the worker answers
// other messages in between, calling show with each report; it resolves with the last reply: a
// "taught" report, or an error.
export async function teach(worker, start, show) {
  await worker.team();
  let r = await worker.ask(start);
  while (r.type === "teaching") {
    show(r);
    r = await worker.ask({ type: "teachSlice", budgetMs: 100 });
  }
  return r;
}
