/* Injected at the top of every HTML document of a SCORM package (package origin, sandboxed
 * frame). The SCORM run-time API the SCO looks for is a cross-frame proxy to the real one
 * (scorm-again, with its data-model validation) that runs in the page, which alone talks to
 * the server.
 *
 * - Discovery: the standard algorithms look for `API` (1.2) or `API_1484_11` (2004) in the
 *   window and then its parents; SCORM 2004's starts at the parent, and a 1.2 SCO's own
 *   `var API = null` overwrites what is set on its window. The document at the top of the
 *   package's frames (its parent is the player page, another origin) therefore gets the
 *   proxy on its window AND a `parent` that holds it (`parent` is replaceable in the DOM).
 * - Nested frames: a frame whose parent it can reach (same package origin) finds the API up
 *   its parents as usual. One it cannot reach (the default mode: every sandboxed document is
 *   an opaque origin of its own) gets its own proxy, whose calls its parent relays upwards,
 *   so the page only ever hears from the frame it created.
 * - Blocked outside resources are reported to the page, which tells the learner.
 *
 * The proxy answers GetValue from a cache that fills asynchronously; the saved data of the
 * attempt (suspend data, location, entry) is primed into it here so that a SCO reading it
 * right after Initialize resumes where the learner stopped. */
(function () {
  "use strict";
  var config = {};
  try {
    var node = document.getElementById("bw-scorm-cmi");
    config = node ? JSON.parse(node.textContent) : {};
  } catch (error) { config = {}; }
  var realParent = window.parent;
  if (!realParent || realParent === window) { return; }
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "*";
  if (!parentOrigin || parentOrigin === "null") { parentOrigin = "*"; }

  var parentReachable = false;
  try {
    parentReachable = !!realParent.document && !config.launch;
  } catch (error) { parentReachable = false; }

  function isChild(source) {
    for (var i = 0; i < window.frames.length; i++) {
      if (window.frames[i] === source) { return true; }
    }
    return false;
  }

  function up(message) {
    try { realParent.postMessage(message, parentOrigin); } catch (error) { /* gone */ }
  }

  /* Relay: run-time calls and notes from our own child frames go up, replies come down. */
  var relayed = {};
  var counter = 0;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object") { return; }
    if (event.source === realParent) {
      if (typeof data.messageId === "string" && relayed[data.messageId]) {
        var route = relayed[data.messageId];
        delete relayed[data.messageId];
        var reply = { messageId: route.id };
        if ("result" in data) { reply.result = data.result; }
        if (data.error) { reply.error = data.error; }
        if (data.isHeartbeat) { reply.isHeartbeat = true; }
        event.stopImmediatePropagation();
        route.source.postMessage(reply, "*");
      }
      return;
    }
    if (!isChild(event.source)) { return; }
    if (data.type === "bw:blocked" && typeof data.origin === "string") {
      up({ type: "bw:blocked", origin: data.origin });
    } else if (data.type === "bw:call" && typeof data.name === "string") {
      // A child page of the package calling one of our functions (`parent.RecordTest(90)`),
      // which the opaque origins of the default mode keep it from doing directly.
      // Only the package's own functions, never the browser's (eval, fetch ...).
      var fn = /^[A-Za-z_$][\w$]{0,100}$/.test(data.name) ? window[data.name] : null;
      var own = typeof fn === "function" &&
        Function.prototype.toString.call(fn).indexOf("[native code]") === -1;
      if (own && Array.isArray(data.args)) {
        try { fn.apply(window, data.args); } catch (error) { /* the package's own error */ }
      }
    } else if (typeof data.messageId === "string" && typeof data.method === "string") {
      counter += 1;
      var id = "bw-relay-" + counter + "-" + Math.random().toString(36).slice(2);
      relayed[id] = { source: event.source, id: data.messageId };
      var message = { messageId: id, method: data.method, params: data.params };
      if (data.isHeartbeat) { message.isHeartbeat = true; }
      up(message);
    }
  }, true);

  /* Outside resources the policy blocked: tell the page once per origin. */
  var reported = {};
  document.addEventListener("securitypolicyviolation", function (event) {
    var uri = String(event.blockedURI || "");
    if (!/^https?:/i.test(uri)) { return; }
    var origin;
    try { origin = new URL(uri).origin; } catch (error) { return; }
    if (reported[origin]) { return; }
    reported[origin] = true;
    up({ type: "bw:blocked", origin: origin });
  });

  if (parentReachable || !window.CrossFrameAPI) { return; }

  var proxy = new window.CrossFrameAPI(parentOrigin, realParent);
  var primed = config.cmi || {};
  Object.keys(primed).forEach(function (key) { proxy._cache.set(key, String(primed[key])); });
  // The proxy answers reads from its cache; keep the collections' counts in step with what
  // the SCO adds, so that `cmi.interactions._count` read right after a SetValue is right.
  var COUNTED = /^(cmi\.(?:interactions|objectives))\.(\d+)\.id$/;
  var api = {};
  ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError", "GetErrorString",
    "GetDiagnostic", "LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit",
    "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"].forEach(function (name) {
    api[name] = function () {
      var result = proxy[name].apply(proxy, arguments);
      if (/SetValue$/.test(name) && typeof arguments[0] === "string") {
        var match = COUNTED.exec(arguments[0]);
        if (match) {
          var key = match[1] + "._count";
          var count = Number(proxy._cache.get(key) || 0);
          if (Number(match[2]) + 1 > count) { proxy._cache.set(key, String(Number(match[2]) + 1)); }
        }
      }
      return result;
    };
  });
  window.API = window.API_1484_11 = api;

  var holder = {
    API: api,
    API_1484_11: api,
    postMessage: function () { return realParent.postMessage.apply(realParent, arguments); }
  };
  holder.parent = holder;
  holder.top = holder;
  if (parentOrigin === "*" && !config.launch && window.Proxy) {
    // A page nested in another page of the package (default mode): calls of the parent's
    // functions go to it as messages (no answer comes back: they are called for effect).
    var fixed = holder;
    holder = new Proxy(fixed, {
      get: function (target, name) {
        if (name in target || typeof name !== "string") { return target[name]; }
        if (name === "then" || name === "document" || name === "location" || name === "frames") { return undefined; }
        return function () {
          up({ type: "bw:call", name: name, args: Array.prototype.slice.call(arguments).map(function (a) {
            return (a === null || typeof a !== "object") && typeof a !== "function" ? a : String(a);
          }) });
        };
      }
    });
    fixed.parent = holder;
    fixed.top = holder;
  }
  try {
    window.parent = holder;
  } catch (error) {
    try {
      Object.defineProperty(window, "parent", { value: holder, configurable: true, writable: true });
    } catch (ignored) { /* left as it is */ }
  }
})();
