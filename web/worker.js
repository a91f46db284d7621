// The web worker: runs the Go core (playground.wasm, compiled once by the page and handed to
// each worker) and passes every message from the page to it, with its bytes. The messages are
// documented in core/engine/protocol.go. This file only moves JSON and bytes; it never computes.
// A worker may also be a training helper: messages arriving on the port it is handed are
// handled the same way and answered on that port.
"use strict";

importScripts("wasm_exec.js");

let ready = false;
let memory = null; // the Go program's linear memory, reported with every reply
const waiting = [];

self.somehowReady = () => {
  ready = true;
  postMessage({ type: "ready" });
  for (const [msg, port] of waiting.splice(0)) handle(msg, port);
};

// gatherBytes collects the message's bytes for Go: "bytes" came from the page (transferred),
// "fetch" names URLs to download first.
async function gatherBytes(msg) {
  const bytes = {};
  for (const [name, url] of Object.entries(msg.fetch || {})) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not download ${url} (${res.status} ${res.statusText})`);
    bytes[name] = new Uint8Array(await res.arrayBuffer());
  }
  for (const [name, b] of Object.entries(msg.bytes || {})) bytes[name] = ArrayBuffer.isView(b) ? b : new Uint8Array(b);
  return bytes;
}

// Messages are handled one at a time, in order, even when one has to download first or wait
// for helpers.
let queue = Promise.resolve();

function handle(msg, port = self) {
  if (msg && msg.type === "helpers") {
    queue = queue.then(() => {
      const reply = self.somehowTeam(msg.ports || [], !!msg.pinned);
      postMessage({ ...reply, id: msg.id });
    });
    return;
  }
  queue = queue.then(() => gatherBytes(msg)).then((bytes) => answer(msg, bytes, port), (err) => {
    port.postMessage({ type: "error", id: msg && msg.id, error: err.message });
  });
}

async function answer(msg, bytes, port) {
  let reply, out = {};
  try {
    const { id, fetch: _f, bytes: _b, ...body } = msg;
    const t0 = performance.now();
    const result = await self.somehowHandle(JSON.stringify(body), bytes);
    const t1 = performance.now();
    reply = JSON.parse(result.json);
    out = result.bytes || {};
    // How long the Go core and the JSON took, for the page's performance readout.
    reply.workerMs = t1 - t0;
    reply.parseMs = performance.now() - t1;
    reply.memoryBytes = memory ? memory.buffer.byteLength : 0;
    reply.simd = self.somehowSIMD === true; // the products run in SIMD (wasm/simd), not Go's loops
  } catch (err) {
    reply = { type: "error", error: "The worker failed: " + err.message };
  }
  reply.id = msg && msg.id; // every reply, errors too, answers its request
  reply.bytes = out;
  port.postMessage(reply, Object.values(out).map((b) => b.buffer));
}

function receive(msg, port) {
  if (ready) handle(msg, port);
  else waiting.push([msg, port]);
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg && msg.type === "module") start(msg.module, msg.simd !== false);
  else if (msg && msg.type === "port") msg.port.onmessage = (e) => receive(e.data, msg.port);
  else receive(msg, self);
};

async function start(module, simd) {
  try {
    const go = new Go();
    const instance = await WebAssembly.instantiate(module, go.importObject);
    memory = instance.exports.mem;
    if (simd) self.somehowGoMemory = memory; // for the products' SIMD loop (wasm/simd), which works on it
    go.run(instance).then(() => {
      postMessage({ type: "error", error: "The Go program stopped; reload the page." });
    });
  } catch (err) {
    postMessage({ type: "error", fatal: true, error: "Could not start the network engine: " + err.message });
  }
}
