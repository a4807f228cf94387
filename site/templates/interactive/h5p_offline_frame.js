/* The frame half of H5P offline (decision 0205). This document is served (or, offline, kept
 * by the service worker) with a Content-Security-Policy "sandbox" without allow-same-origin,
 * so it runs in an opaque origin: no cookies, no storage, no reach into the page. It cannot
 * fetch anything either (connect-src and the other sources allow only blob: and data:).
 * The page reads the kept files from its Cache Storage and posts them here; this loader makes
 * blob: addresses of them, points the player's requests for the real addresses to those, and
 * starts h5p-standalone with the usual frame bridge (h5p-frame.js). */
(function () {
  "use strict";
  var parentWindow = window.parent;
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "";
  var started = false;
  var blobs = {};

  function absolute(url) {
    try { return new URL(url, document.baseURI).href; } catch (error) { return url; }
  }
  function mapped(url) {
    if (typeof url !== "string") { return url; }
    var hit = blobs[absolute(url).split("#")[0].split("?")[0]];
    return hit || url;
  }

  /* Styles refer to fonts and images by relative address: those become blob: addresses
   * too; whatever was not kept becomes nothing rather than a request that would fail. */
  function rewriteCss(text, base) {
    return text.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, function (match, quote, ref) {
      if (/^(data|blob):/i.test(ref) || ref.charAt(0) === "#") { return match; }
      var target = blobs[new URL(ref, base).href.split("#")[0].split("?")[0]];
      return target ? "url(" + quote + target + quote + ")" : "url(data:,)";
    });
  }

  function patchAddresses() {
    var holders = [
      [window.HTMLScriptElement, "src"], [window.HTMLLinkElement, "href"],
      [window.HTMLImageElement, "src"], [window.HTMLMediaElement, "src"],
      [window.HTMLSourceElement, "src"], [window.HTMLTrackElement, "src"],
      [window.HTMLIFrameElement, "src"]
    ];
    holders.forEach(function (pair) {
      if (!pair[0]) { return; }
      var proto = pair[0].prototype;
      var descriptor = Object.getOwnPropertyDescriptor(proto, pair[1]);
      if (!descriptor || !descriptor.set) { return; }
      Object.defineProperty(proto, pair[1], {
        configurable: true, enumerable: descriptor.enumerable,
        get: descriptor.get,
        set: function (value) { descriptor.set.call(this, mapped(value)); }
      });
    });
    var setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
      var lower = String(name).toLowerCase();
      if (lower === "src" || lower === "href" || lower === "poster") { value = mapped(value); }
      return setAttribute.call(this, name, value);
    };
    var nativeFetch = window.fetch;
    window.fetch = function (input, init) {
      var url = typeof input === "string" ? input : (input && input.url);
      var target = mapped(url);
      return nativeFetch.call(window, target !== url ? target : input, init);
    };
    var open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (method, url) {
      var args = Array.prototype.slice.call(arguments);
      args[1] = mapped(url);
      return open.apply(this, args);
    };
  }

  function addScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.async = false;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("script " + url)); };
      script.src = url;
      document.body.appendChild(script);
    });
  }

  function start(message) {
    var files = message.files;
    var css = [];
    Object.keys(files).forEach(function (url) {
      var file = files[url];
      if (/css/.test(file.type)) { css.push(url); return; }
      blobs[url] = URL.createObjectURL(new Blob([file.body], { type: file.type }));
    });
    css.forEach(function (url) {
      var text = new TextDecoder().decode(files[url].body);
      blobs[url] = URL.createObjectURL(new Blob([rewriteCss(text, url)], { type: "text/css" }));
    });
    patchAddresses();
    if (message.language) { document.documentElement.lang = message.language; }
    if (message.direction) { document.documentElement.dir = message.direction; }
    document.title = message.title || document.title;
    var container = document.getElementById("h5p-container");
    container.setAttribute("aria-label", message.title || "");
    message.styles.forEach(function (url) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      document.head.appendChild(link);
    });
    var options = document.createElement("script");
    options.type = "application/json";
    options.id = "h5p-options";
    options.textContent = JSON.stringify(message.options);
    document.body.appendChild(options);
    // In order: the storage shim, h5p-standalone, the frame bridge (which then says "ready").
    message.scripts.reduce(function (previous, url) {
      return previous.then(function () { return addScript(url); });
    }, Promise.resolve()).catch(function (error) {
      parentWindow.postMessage({ type: "bw:offline-failed", detail: String(error.message) }, parentOrigin);
    });
  }

  window.addEventListener("message", function (event) {
    if (started || event.source !== parentWindow || event.origin !== parentOrigin) { return; }
    var message = event.data;
    if (!message || message.type !== "bw:offline-files" || typeof message.files !== "object") { return; }
    started = true;
    start(message);
  });
  if (parentOrigin) { parentWindow.postMessage({ type: "bw:offline-ready" }, parentOrigin); }
})();
