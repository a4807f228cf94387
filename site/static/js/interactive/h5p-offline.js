/* The page half of H5P offline (decision 0205). Offline, a page controlled by the service
 * worker frames the offline player document (kept, served with a CSP "sandbox" without
 * allow-same-origin: an opaque origin) and posts it the kept files of the exercise, read
 * here from the Cache Storage: the player's scripts and styles, the content's JSON and media
 * and its libraries. Only a frame whose messages come from the opaque origin ("null") gets
 * them: if the sandbox were missing, nothing is sent. The frame's results come back through
 * the usual bridge (player.js), which queues them on the phone (BWLearnStore, kind "h5p").
 */
(function () {
  "use strict";
  var TYPES = {
    js: "text/javascript", mjs: "text/javascript", css: "text/css", json: "application/json",
    svg: "image/svg+xml", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
    gif: "image/gif", webp: "image/webp", woff: "font/woff", woff2: "font/woff2",
    ttf: "font/ttf", mp3: "audio/mpeg", m4a: "audio/mp4", ogg: "audio/ogg",
    mp4: "video/mp4", webm: "video/webm", vtt: "text/vtt", html: "text/html"
  };

  function typeOf(url, response) {
    var extension = (url.split("?")[0].match(/\.([a-z0-9]+)$/i) || [])[1];
    return TYPES[(extension || "").toLowerCase()] ||
      (response.headers.get("Content-Type") || "application/octet-stream").split(";")[0];
  }

  function absolute(url) { return new URL(url, location.href).href; }

  async function keptRecord(prefix) {
    var records = await window.BWLearnStore.kept();
    return records.find(function (r) {
      return Object.keys(r.items).some(function (u) { return u.indexOf(prefix) === 0; });
    }) || null;
  }

  /* Can this exercise play offline here: a service worker, the offline player, and the
   * exercise kept on this phone? */
  async function available(el) {
    if (!el.dataset.offlineSrc || !el.dataset.content || !window.BWLearnStore || !window.caches) { return false; }
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) { return false; }
    var record = await keptRecord(contentPrefix(el));
    return !!(record && (await caches.match(el.dataset.offlineSrc)));
  }

  function contentPrefix(el) {
    var playerUrl = new URL(el.dataset.src, location.href);
    var files = playerUrl.pathname.replace(/\/interactive\/player\/h5p\/.*$/, "/interactive/files/h5p/");
    return files + "content/" + el.dataset.content + "/";
  }

  /* What the frame needs: the kept player document's options, scripts and styles (for this
   * language), the content's files and the libraries' files. */
  async function bundle(el) {
    var record = await keptRecord(contentPrefix(el));
    var player = Object.keys(record.items).find(function (u) {
      return u.indexOf(new URL(el.dataset.src, location.href).pathname) === 0;
    });
    var playerResponse = player && (await caches.match(player));
    if (!playerResponse) { throw new Error("player not kept"); }
    var doc = new DOMParser().parseFromString(await playerResponse.text(), "text/html");
    var options = JSON.parse(doc.getElementById("h5p-options").textContent);
    var scripts = Array.prototype.map.call(doc.querySelectorAll("script[src]"), function (s) { return absolute(s.getAttribute("src")); });
    var styles = Array.prototype.map.call(doc.querySelectorAll("link[rel=stylesheet]"), function (l) { return absolute(l.getAttribute("href")); });
    var libraries = new URL(options.librariesPath + "/", location.href).pathname;
    var prefix = contentPrefix(el);
    var wanted = Object.keys(record.items).filter(function (u) {
      return u.indexOf(prefix) === 0 || u.indexOf(libraries) === 0;
    }).map(absolute).concat(scripts, styles, [absolute(options.frameJs), absolute(options.frameCss)]);
    var files = {};
    var transfer = [];
    for (var i = 0; i < wanted.length; i++) {
      var url = wanted[i];
      if (files[url]) { continue; }
      var response = await caches.match(url);
      if (!response) { continue; }
      var body = await response.arrayBuffer();
      files[url] = { type: typeOf(url, response), body: body };
      transfer.push(body);
    }
    return {
      message: {
        type: "bw:offline-files", files: files, scripts: scripts, styles: styles, options: options,
        language: doc.documentElement.lang, direction: doc.documentElement.dir, title: doc.title
      },
      transfer: transfer
    };
  }

  /* Put the offline player in the block; `onFailure` is called if it cannot start. */
  function frame(el, iframe, onFailure) {
    window.addEventListener("message", function (event) {
      // Only the frame we made, and only from an opaque origin: the document's own sandbox.
      if (event.source !== iframe.contentWindow || event.origin !== "null") { return; }
      var data = event.data || {};
      if (data.type === "bw:offline-ready") {
        bundle(el).then(function (b) {
          iframe.contentWindow.postMessage(b.message, "*", b.transfer);
        }).catch(onFailure);
      } else if (data.type === "bw:offline-failed") {
        onFailure(new Error(String(data.detail || "")));
      }
    });
  }

  /* A result from the frame, queued on the phone with its own id (its statement id too). */
  function queue(el, statement, label) {
    var S = window.BWLearnStore;
    var match = /[?&]page=(\d+)/.exec(el.dataset.statementsUrl || "");
    if (!match) { return Promise.resolve(null); }
    var id = S.uuid();
    statement.id = id;
    return S.enqueue({
      id: id, label: label, page: location.pathname,
      payload: { id: id, kind: "h5p", content: el.dataset.content, page: Number(match[1]), statement: statement }
    });
  }

  window.BWH5POffline = { available: available, frame: frame, queue: queue };
})();
