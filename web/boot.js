// Starts downloading and compiling the network engine while the rest of the page loads; app.js
// hands the compiled module to its workers.
"use strict";
window.somehowEngine = WebAssembly.compileStreaming(fetch("playground.wasm"));
