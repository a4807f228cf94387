/* Better Work Learning service worker (served at /sw.js, scope "/").
 *
 * - The app shell (CSS, JS, fonts, icon) is kept at install, per version.
 * - "bw-saved" holds what a person chose to save for offline: pages, one video rendition,
 *   captions, comic drawings. It is never cleared by an update; saved.js frees it.
 * - Pages: network first; offline, the saved copy, else the "Saved for offline" page.
 * - Media: the saved copy first (with byte ranges, so a saved video can seek), else network.
 * - "bw-course-<id>" holds a course or module the learner keeps offline (courses/offline.py
 *   lists what, offline-store.js fills it); its pages, images and data answer offline like
 *   saved ones. Results queued offline are sent by Background Sync ("bw-learn-sync").
 */
"use strict";

const VERSION = "__VERSION__";
const SHELL_CACHE = "bw-shell-" + VERSION;
const SAVED_CACHE = "bw-saved";
const RUNTIME_CACHE = "bw-static";
const SHELL = {{ shell_json|safe }};
const SAVED_PAGES = {{ saved_pages_json|safe }};
const MEDIA_PREFIX = new URL({{ media_url_json|safe }}, self.location).href;
const STATIC_PREFIX = new URL({{ static_url_json|safe }}, self.location).href;
const KEPT_PREFIX = "bw-course-";
importScripts({{ learn_store_json|safe }});

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith("bw-shell-") && name !== SHELL_CACHE)
        .map((name) => caches.delete(name))
    )).then(() => self.clients.claim())
  );
});

function languageOf(url) {
  const match = url.pathname.match(/^\/([a-z]{2,3})\//);
  return match ? match[1] : "en";
}

async function fromSaved(request, options) {
  const cache = await caches.open(SAVED_CACHE);
  const saved = await cache.match(request, options);
  if (saved) return saved;
  // Then the courses and modules kept for learning offline.
  const names = (await caches.keys()).filter((name) => name.startsWith(KEPT_PREFIX));
  for (const name of names) {
    const hit = await (await caches.open(name)).match(request, options);
    if (hit) return hit;
  }
  return undefined;
}

// A saved page is shown if the network has not answered within this time (2G can hang).
const SAVED_PAGE_PATIENCE = 4000;

async function page(request) {
  const saved = await fromSaved(request, {ignoreSearch: true});
  const network = fetch(request);
  if (saved) {
    const late = new Promise((resolve) => setTimeout(() => resolve(saved), SAVED_PAGE_PATIENCE));
    return Promise.race([network.catch(() => saved), late]);
  }
  try {
    return await network;
  } catch (error) {
    const url = new URL(request.url);
    const fallback = "/" + languageOf(url) + "/watch/saved/";
    // A learner who keeps courses gets the list of kept courses (it is in their cache).
    const kept = "/" + languageOf(url) + "/learn/offline/";
    for (const candidate of [kept, fallback, ...SAVED_PAGES]) {
      const hit = await caches.match(candidate);
      if (hit) return hit;
    }
    return new Response("<h1>Offline</h1>", {
      status: 503, headers: {"Content-Type": "text/html; charset=utf-8"},
    });
  }
}

async function ranged(request, response) {
  const header = request.headers.get("Range");
  const match = /^bytes=(\d*)-(\d*)$/.exec(header || "");
  if (!match) return response;
  const blob = await response.blob();
  const size = blob.size;
  let start = match[1] === "" ? size - Number(match[2]) : Number(match[1]);
  let end = match[1] !== "" && match[2] !== "" ? Number(match[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  if (start > end) {
    return new Response(null, {status: 416, headers: {"Content-Range": "bytes */" + size}});
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": "bytes " + start + "-" + end + "/" + size,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

async function media(request) {
  const saved = await fromSaved(request.url, {ignoreVary: true});
  if (saved) return ranged(request, saved);
  return fetch(request);
}

async function staticFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(RUNTIME_CACHE);
    cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // Media may come from a CDN: it is matched by its prefix, before the origin check.
  if (request.url.startsWith(MEDIA_PREFIX)) {
    event.respondWith(media(request));
    return;
  }
  if (request.url.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
    return;
  }
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/admin/") || url.pathname.startsWith("/api/records/")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (/^\/api\/learn\/offline\/\d+\/answers$/.test(url.pathname) || /^\/[a-z]{2,3}\/jsi18n\/$/.test(url.pathname)) {
    event.respondWith(fetch(request).catch(() => fromSaved(request.url).then(
      (hit) => hit || new Response("", {status: 503}))));
  } else if (url.pathname.startsWith("/api/media/videos/")) {
    event.respondWith(media(request));
  }
});

// Results queued offline go out when the connection returns, even with no page open.
self.addEventListener("sync", (event) => {
  if (event.tag !== "bw-learn-sync") return;
  event.waitUntil(self.BWLearnStore.sync().then(async (summary) => {
    const pages = await self.clients.matchAll({type: "window"});
    pages.forEach((client) => client.postMessage({type: "bw-learn-synced", summary}));
    if (summary.failed && summary.status === undefined) throw new Error("offline: retry");
  }));
});
