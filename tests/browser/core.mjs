// The worker's Go program (web/playground.wasm, as `make wasm` builds it) run in Node, for the
// tests that need the worker's own answers without a browser: handle(message, bytes) is what
// web/worker.js calls.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let started = null;

// core starts the Go program once and returns handle(msg) → Promise of the reply, parsed.
export function core() {
  started ??= (async () => {
    const require = createRequire(import.meta.url);
    globalThis.fs ??= require("fs");
    globalThis.path ??= require("path");
    require(path.join(root, "web", "wasm_exec.js"));
    const go = new globalThis.Go();
    const ready = new Promise((resolve) => { globalThis.somehowReady = resolve; });
    const { instance } = await WebAssembly.instantiate(readFileSync(path.join(root, "web", "playground.wasm")), go.importObject);
    go.run(instance); // runs until the process ends: the program waits for calls
    await ready;
    return async (msg, bytes = {}) => JSON.parse((await globalThis.somehowHandle(JSON.stringify(msg), bytes)).json);
  })();
  return started;
}
