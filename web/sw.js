// The service worker: after the first visit the whole site works offline (a school's Wi-Fi
// drops). It keeps the app shell (pages, scripts, the WebAssembly and the shipped models) in a
// cache named after the build's version, answers from it first, and keeps anything else the
// page fetches (MNIST, for training) as it passes. A new build has a new version.js, so the
// browser installs the new worker, which fills a new cache and drops the old one.
/* global SOMEHOW_VERSION */
"use strict";

// self.SOMEHOW_VERSION and self.SOMEHOW_FILES (every page file, the wasm and the shipped
// models), written by `make` from the files themselves: nothing to keep in step by hand.
importScripts("version.js");
/* global SOMEHOW_FILES, SOMEHOW_LATER */

const CACHE = "somehow-" + SOMEHOW_VERSION;
const SHELL = ["./", ...SOMEHOW_FILES];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("somehow-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// {type: "keep"} from the page, once it has drawn its first frame: keep the files the page may
// need later (MNIST, 11 MB) in the background, so training works offline after the first visit.
self.addEventListener("message", (event) => {
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
      if (res.ok && res.status === 200) cache.put(req, res.clone());
      return res;
    }),
  );
});
