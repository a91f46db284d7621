// The web worker: runs the Go core (playground.wasm, compiled once by the page and handed to
// each worker) and passes every message from the page to it. The messages themselves are
// documented in core/lab/protocol.go. This file only moves strings and bytes; it never computes.
"use strict";

importScripts("wasm_exec.js");

let ready = false;
let memory = null; // the Go program's linear memory, reported with every reply
const waiting = [];

self.somehowReady = () => {
  ready = true;
  postMessage({ type: "ready" });
  for (const msg of waiting.splice(0)) handle(msg);
};

// resolveBytes hands the message's files to Go before the message itself: "fetch" names URLs
// to download, "bytes" carries ArrayBuffers from the page (see core/lab/protocol.go).
async function resolveBytes(msg) {
  const put = (name, buf) => {
    const err = self.somehowPut(name, new Uint8Array(buf));
    if (err) throw new Error(err);
  };
  for (const [name, url] of Object.entries(msg.fetch || {})) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not download ${url} (${res.status} ${res.statusText})`);
    put(name, await res.arrayBuffer());
  }
  for (const [name, buf] of Object.entries(msg.bytes || {})) put(name, buf);
  delete msg.fetch;
  delete msg.bytes;
}

// Messages are handled one at a time, in order, even when one has to download first.
let queue = Promise.resolve();

function handle(msg) {
  if (msg && (msg.fetch || msg.bytes)) {
    queue = queue.then(() => resolveBytes(msg)).then(() => answer(msg), (err) => {
      postMessage({ type: "error", id: msg.id, error: err.message });
    });
  } else {
    queue = queue.then(() => answer(msg));
  }
}

function answer(msg) {
  let reply;
  try {
    const t0 = performance.now();
    const text = self.somehowHandle(JSON.stringify(msg));
    const t1 = performance.now();
    reply = JSON.parse(text);
    // How long the Go core and the JSON took, for the page's performance readout.
    reply.workerMs = t1 - t0;
    reply.parseMs = performance.now() - t1;
    reply.memoryBytes = memory ? memory.buffer.byteLength : 0;
  } catch (err) {
    reply = { type: "error", id: msg && msg.id, error: "The worker failed: " + err.message };
  }
  postMessage(reply);
}

self.onmessage = (event) => {
  if (event.data && event.data.type === "module") start(event.data.module);
  else if (ready) handle(event.data);
  else waiting.push(event.data);
};

async function start(module) {
  try {
    const go = new Go();
    const instance = await WebAssembly.instantiate(module, go.importObject);
    memory = instance.exports.mem;
    go.run(instance).then(() => {
      postMessage({ type: "error", error: "The Go program stopped; reload the page." });
    });
  } catch (err) {
    postMessage({ type: "error", fatal: true, error: "Could not start the network engine: " + err.message });
  }
}
