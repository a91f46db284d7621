// Starts downloading and compiling the network engine, and starts the lab's two workers, while
// the rest of the page loads (it comes before the stylesheet so nothing waits for it); lab.js
// hands the compiled module to the workers. Once the page has loaded, the service worker (sw.js)
// is registered, so the next visit works without a network.
"use strict";
// Not for a phone opening a class's join link: it only draws and sends (app.js fetches the engine
// later if it is ever needed).
if (!location.hash.startsWith("#class=")) {
  window.somehowEngine = WebAssembly.compileStreaming(fetch("playground.wasm"));
  window.somehowLabWorkers = [new Worker("worker.js"), new Worker("worker.js")];
}
if ("serviceWorker" in navigator) {
  // Registered once the page has loaded and settled: installing fetches every file again
  // (the models are megabytes), which must not compete with the first frame.
  window.addEventListener("load", () => setTimeout(() => {
    const sw = navigator.serviceWorker;
    const hadController = Boolean(sw.controller);
    let reloading = false;
    // A new build waits (sw.js) until this tab is reloaded into it at the person's word.
    const offer = (waiting) => {
      const bar = document.getElementById("update");
      bar.hidden = false;
      document.getElementById("updateReload").onclick = () => {
        reloading = true;
        waiting.postMessage({ type: "skipWaiting" });
      };
    };
    sw.addEventListener("controllerchange", () => {
      if (reloading) location.reload();
      else if (hadController) { // another tab took the new version: this one should follow
        document.getElementById("update").hidden = false;
        document.getElementById("updateReload").onclick = () => location.reload();
      }
    });
    sw.register("sw.js", { updateViaCache: "none" }).then(
      (reg) => {
        document.documentElement.dataset.offlineReady = "registered";
        if (reg.waiting && sw.controller) offer(reg.waiting);
        reg.addEventListener("updatefound", () => {
          const w = reg.installing;
          w.addEventListener("statechange", () => { if (w.state === "installed" && sw.controller) offer(w); });
        });
        // Then MNIST, in the background: training works offline after the first visit.
        sw.ready.then((r) => r.active && r.active.postMessage({ type: "keep" }));
      },
      (err) => console.warn("Offline use is not available: " + err.message),
    );
  }, 2000));
}
