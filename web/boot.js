// Starts downloading and compiling the network engine, and starts the lab's two workers, while
// the rest of the page loads (it comes before the stylesheet so nothing waits for it); lab.js
// hands the compiled module to the workers. Once the page has loaded, the service worker (sw.js)
// is registered, so the next visit works without a network.
"use strict";
window.somehowEngine = WebAssembly.compileStreaming(fetch("playground.wasm"));
window.somehowLabWorkers = [new Worker("worker.js"), new Worker("worker.js")];
if ("serviceWorker" in navigator) {
  // Registered once the page has loaded and settled: installing fetches every file again
  // (the models are megabytes), which must not compete with the first frame.
  window.addEventListener("load", () => setTimeout(() => {
    navigator.serviceWorker.register("sw.js").then(
      () => {
        document.documentElement.dataset.offlineReady = "registered";
        // Then MNIST, in the background: training works offline after the first visit.
        navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ type: "keep" }));
      },
      (err) => console.warn("Offline use is not available: " + err.message),
    );
  }, 2000));
}
