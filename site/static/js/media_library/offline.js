/* Shared by the player, the comic reader and the saved list: keeping items for offline
 * (Cache Storage + a small index in localStorage), human sizes, and the anonymous reach
 * beacon with its offline queue (each event has its own id, so a resend never counts twice). */
(function () {
  "use strict";
  if (window.BWOffline) return;
  var CACHE = "bw-saved";
  var INDEX = "bw-saved-index";
  var QUEUE = "bw-reach-queue";

  function messages() {
    var node = document.getElementById("media-messages");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function size(bytes) {
    var m = messages();
    if (bytes >= 1024 * 1024) {
      return format(m.mb || "%(n)s MB", {n: (bytes / 1048576).toLocaleString(document.documentElement.lang, {maximumFractionDigits: 1})});
    }
    return format(m.kb || "%(n)s KB", {n: Math.max(1, Math.round(bytes / 1024)).toLocaleString(document.documentElement.lang)});
  }

  function readIndex() {
    try { return JSON.parse(localStorage.getItem(INDEX) || "{}"); } catch (e) { return {}; }
  }

  function writeIndex(index) { localStorage.setItem(INDEX, JSON.stringify(index)); }

  function supported() { return "caches" in window && "serviceWorker" in navigator; }

  async function save(item) {
    var cache = await caches.open(CACHE);
    var urls = [item.url].concat(item.urls);
    var total = 0;
    for (var i = 0; i < urls.length; i++) {
      var response = await fetch(urls[i], {credentials: "same-origin"});
      if (!response.ok) throw new Error("HTTP " + response.status + " " + urls[i]);
      var blob = await response.clone().blob();
      total += blob.size;
      await cache.put(urls[i], response);
    }
    if (item.savedListUrl) {
      // The list of saved items must open offline too.
      try { await cache.add(item.savedListUrl); } catch (e) { /* not essential */ }
    }
    // Saved items used to be evictable: ask the browser to keep this site's storage (issue 23).
    if (navigator.storage && navigator.storage.persist) {
      try {
        item.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
      } catch (e) { /* not granted */ }
    }
    var index = readIndex();
    item.size = total;
    item.savedAt = new Date().toISOString();
    index[item.key] = item;
    writeIndex(index);
    return item;
  }

  function persistNote(item) {
    var m = messages();
    if (!item || item.persisted === undefined) return "";
    return " " + (item.persisted ? m.persisted : m.mayEvict);
  }

  async function remove(key) {
    var index = readIndex();
    var item = index[key];
    if (!item) return;
    var cache = await caches.open(CACHE);
    var keep = {};
    Object.keys(index).forEach(function (k) {
      if (k !== key) [index[k].url].concat(index[k].urls).forEach(function (u) { keep[u] = true; });
    });
    var urls = [item.url].concat(item.urls);
    for (var i = 0; i < urls.length; i++) {
      if (!keep[urls[i]]) await cache.delete(urls[i]);
    }
    delete index[key];
    writeIndex(index);
  }

  async function headSize(url) {
    try {
      var response = await fetch(url, {method: "HEAD", credentials: "same-origin"});
      return Number(response.headers.get("Content-Length")) || 0;
    } catch (e) { return 0; }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf(fallback) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : fallback;
  }

  // Public pages come from the shared page cache without a token of their own: the first
  // beacon asks the site for the CSRF cookie.
  async function csrfToken(fallback, tokenUrl) {
    var token = csrf(fallback);
    if (token || !tokenUrl) return token;
    try { await fetch(tokenUrl, {credentials: "same-origin"}); } catch (e) { /* offline */ }
    return csrf("");
  }

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }

  var flushing = false;
  async function flush(endpoint, token, tokenUrl) {
    if (flushing || !navigator.onLine) return;
    var queue = readQueue();
    if (!queue.length) return;
    flushing = true;
    var batch = queue.slice(0, 50);
    try {
      var response = await fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: {"Content-Type": "application/json", "X-CSRFToken": await csrfToken(token, tokenUrl)},
        body: JSON.stringify({events: batch}),
      });
      if (response.ok || response.status === 400) {
        var sent = {};
        batch.forEach(function (e) { sent[e.id] = true; });
        localStorage.setItem(QUEUE, JSON.stringify(readQueue().filter(function (e) { return !sent[e.id]; })));
      }
    } catch (e) { /* offline: kept for later */ }
    flushing = false;
  }

  function reach(root, kind, item, action) {
    var event = {
      id: uuid(), kind: kind, item: Number(item), action: action,
      language: root.dataset.language, day: new Date().toISOString().slice(0, 10),
    };
    var queue = readQueue();
    queue.push(event);
    localStorage.setItem(QUEUE, JSON.stringify(queue.slice(-500)));
    flush(root.dataset.reachUrl, root.dataset.csrf, root.dataset.csrfUrl);
    window.addEventListener("online", function () { flush(root.dataset.reachUrl, root.dataset.csrf, root.dataset.csrfUrl); }, {once: true});
  }

  window.BWOffline = {
    messages: messages, format: format, size: size, save: save, remove: remove,
    index: readIndex, supported: supported, persistNote: persistNote, headSize: headSize, reach: reach, uuid: uuid, csrf: csrf,
  };
})();
