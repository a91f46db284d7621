// The service worker: after the first visit the whole site works offline (a school's Wi-Fi
// drops). It keeps the app shell (pages, scripts, the WebAssembly and the shipped models) in a
// cache named after the build's version, answers from it first, and keeps the data the page
// fetches from assets/ (MNIST, the spoken digits) as it passes; nothing else. A new build has a
// new version.js, so the browser installs the new worker, which fills a new cache and then
// waits: an open tab keeps the version it started with (its lazily loaded modules must match
// the ones it has), until every tab is closed or the person takes the page's "reload" offer
// (boot.js), which asks the waiting worker to take over ("skipWaiting") and reloads.
/* global SOMEHOW_VERSION */
"use strict";

// self.SOMEHOW_VERSION and self.SOMEHOW_FILES (every page file, the wasm and the shipped
// models), written by `make` from the files themselves: nothing to keep in step by hand.
importScripts("version.js");
/* global SOMEHOW_FILES, SOMEHOW_LATER */

const CACHE = "somehow-" + SOMEHOW_VERSION;
const SHELL = ["./", ...SOMEHOW_FILES];
// The data kept as it passes: under the scope's assets/ (MNIST, the spoken digits).
const DATA = new URL("assets/", self.registration.scope).pathname;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("somehow-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()), // the first visit's tab (no other version is in use)
  );
});

// {type: "keep"} from the page, once it has drawn its first frame: keep the files the page may
// need later (MNIST, 11 MB) in the background, so training works offline after the first visit.
// {type: "skipWaiting"} from a page whose person chose to reload into this version.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skipWaiting") {
    self.skipWaiting();
    return;
  }
  if (!event.data || event.data.type !== "keep") return;
  event.waitUntil(caches.open(CACHE).then(async (cache) => {
    for (const url of SOMEHOW_LATER) {
      if (!(await cache.match(url))) await cache.add(url).catch(() => {}); // tried again next visit
    }
  }));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  // A page address (with its #scene or ?query) is the one page.
  const key = req.mode === "navigate" ? "index.html" : req;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(key, { ignoreSearch: req.mode === "navigate" });
      if (hit) return hit;
      const res = await fetch(req);
      if (res.status === 200 && url.pathname.startsWith(DATA)) cache.put(req, res.clone());
      return res;
    }),
  );
});
