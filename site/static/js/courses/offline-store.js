/* Learning offline: what this phone keeps and the results it queued (issue 23).
 *
 * Runs in pages and in the service worker (imported by /sw.js for Background Sync), so it
 * uses no DOM. IndexedDB "bw-learn" holds:
 *   queue    results made offline, each with its own UUID (sent once, stored once)
 *   refused  results the site refused, with its reason, until the learner dismisses them
 *   kept     one record per kept course or module: its manifest's items and their hashes
 *   meta     the CSRF token the service worker sends with a background sync
 * Each kept course has its own cache ("bw-course-<id>"), filled from its manifest; an update
 * fetches only the items whose hash changed. */
(function (scope) {
  "use strict";
  if (scope.BWLearnStore) return;
  var DB_NAME = "bw-learn";
  var SYNC_URL = "/api/learn/offline/sync";
  var BATCH = 20;
  var dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          d.createObjectStore("queue", {keyPath: "id"});
          d.createObjectStore("refused", {keyPath: "id"});
          d.createObjectStore("kept", {keyPath: "key"});
          d.createObjectStore("meta");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, action) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(store, mode);
        var result = action(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  function put(store, value, key) {
    return run(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
  }
  function remove(store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); }
  function get(store, key) { return run(store, "readonly", function (s) { return s.get(key); }); }

  function uuid() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ---- the queue ------------------------------------------------------------------------ */

  function enqueue(item) {
    item.id = item.id || uuid();
    item.queuedAt = item.queuedAt || new Date().toISOString();
    return put("queue", item).then(function () {
      // Background Sync where the browser has it; otherwise the next page load or "online".
      if (scope.navigator && navigator.serviceWorker && scope.document) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register("bw-learn-sync");
        }).catch(function () {});
      }
      return item;
    });
  }

  function rememberToken(token) { return token ? put("meta", token, "csrf") : Promise.resolve(); }

  var syncing = null;

  /* Send the queue in batches. Results stored (or already stored) leave the queue; refused
   * ones move to "refused" with the site's reason; nothing else is ever dropped: a network
   * failure or a server error keeps the queue for the next try. */
  function sync(token) {
    if (syncing) return syncing;
    syncing = (async function () {
      var csrf = token || (await get("meta", "csrf")) || "";
      var summary = {stored: 0, refused: 0, failed: false};
      var queue = (await all("queue")).sort(function (a, b) { return a.queuedAt.localeCompare(b.queuedAt); });
      for (var start = 0; start < queue.length; start += BATCH) {
        var batch = queue.slice(start, start + BATCH);
        var response;
        try {
          response = await fetch(SYNC_URL, {
            method: "POST",
            credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
            body: JSON.stringify({items: batch.map(function (item) { return item.payload; })}),
          });
        } catch (error) {
          summary.failed = true;
          break;
        }
        var data = null;
        try { data = await response.json(); } catch (error) { data = null; }
        if (!response.ok || !data || !Array.isArray(data.results)) {
          summary.failed = true;
          summary.status = response.status;
          summary.detail = data && data.detail;
          break;
        }
        var byId = {};
        batch.forEach(function (item) { byId[item.id] = item; });
        for (var i = 0; i < data.results.length; i++) {
          var outcome = data.results[i];
          var item = byId[outcome.id];
          if (!item) continue;
          if (outcome.status === "refused") {
            item.reason = outcome.reason;
            item.code = outcome.code;
            item.refusedAt = new Date().toISOString();
            await put("refused", item);
            summary.refused += 1;
          } else {
            summary.stored += 1;
          }
          await remove("queue", item.id);
        }
      }
      return summary;
    })();
    return syncing.finally(function () { syncing = null; });
  }

  /* ---- kept courses and modules ----------------------------------------------------- */

  async function keep(manifestUrl, onProgress) {
    var response = await fetch(manifestUrl, {credentials: "same-origin", cache: "no-store"});
    if (!response.ok) {
      var detail = "";
      try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
      throw new Error(detail || ("HTTP " + response.status));
    }
    var manifest = await response.json();
    var key = manifest.key;
    var previous = (await get("kept", key)) || {items: {}, sizes: {}};
    var cache = await caches.open(manifest.cache);
    var items = {};
    var sizes = {};
    var fetched = 0;
    for (var i = 0; i < manifest.items.length; i++) {
      var item = manifest.items[i];
      items[item.url] = item.hash;
      var unchanged = previous.items[item.url] === item.hash && (await cache.match(item.url));
      if (unchanged) {
        sizes[item.url] = previous.sizes[item.url] || item.bytes;
      } else {
        var fresh = await fetch(item.url, {credentials: "same-origin", cache: "no-store"});
        if (!fresh.ok) throw new Error("HTTP " + fresh.status + " " + item.url);
        var blob = await fresh.clone().blob();
        sizes[item.url] = blob.size;
        await cache.put(item.url, fresh);
        fetched += 1;
      }
      if (onProgress) onProgress(i + 1, manifest.items.length);
    }
    var record = {
      key: key, title: manifest.title, language: manifest.language, cache: manifest.cache,
      course: manifest.course, scope: manifest.scope, manifestUrl: manifestUrl,
      url: manifest.items[0] ? manifest.items[0].url : "", version: manifest.version,
      localScoring: manifest.local_scoring, items: items, sizes: sizes,
      bytes: Object.keys(sizes).reduce(function (sum, u) { return sum + sizes[u]; }, 0),
      keptAt: previous.keptAt || new Date().toISOString(), checkedAt: new Date().toISOString(),
    };
    await put("kept", record);
    // Items the course no longer has are dropped, unless another kept part still needs them.
    var stale = Object.keys(previous.items).filter(function (u) { return !(u in items); });
    await dropUnused(manifest.cache, stale);
    record.fetched = fetched;
    return record;
  }

  async function dropUnused(cacheName, urls) {
    if (!urls.length) return;
    var others = (await all("kept")).filter(function (r) { return r.cache === cacheName; });
    var cache = await caches.open(cacheName);
    for (var i = 0; i < urls.length; i++) {
      var used = others.some(function (r) { return urls[i] in r.items; });
      if (!used) await cache.delete(urls[i]);
    }
  }

  async function forget(key) {
    var record = await get("kept", key);
    if (!record) return;
    await remove("kept", key);
    var rest = (await all("kept")).filter(function (r) { return r.cache === record.cache; });
    if (!rest.length) {
      await caches.delete(record.cache);
    } else {
      await dropUnused(record.cache, Object.keys(record.items));
    }
  }

  /* Ask the browser not to evict what the learner keeps; the answer is shown to them. */
  async function persist() {
    if (!scope.navigator || !navigator.storage || !navigator.storage.persist) return null;
    if (await navigator.storage.persisted()) return true;
    return navigator.storage.persist();
  }

  async function estimate() {
    if (!scope.navigator || !navigator.storage || !navigator.storage.estimate) return null;
    return navigator.storage.estimate();
  }

  scope.BWLearnStore = {
    enqueue: enqueue, sync: sync, queue: function () { return all("queue"); },
    refused: function () { return all("refused"); }, dismiss: function (id) { return remove("refused", id); },
    kept: function () { return all("kept"); }, keep: keep, forget: forget, persist: persist,
    estimate: estimate, rememberToken: rememberToken, uuid: uuid,
  };
})(typeof self !== "undefined" ? self : window);
