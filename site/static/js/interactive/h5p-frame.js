/* The frame half of the H5P bridge, running in the sandboxed player document.
 *
 * It waits for the page to say "init" (with the learner's saved state and a channel id),
 * starts h5p-standalone, and passes the player's xAPI statements, its resume state and its
 * height up to the page. It holds no credentials: the page decides what is recorded.
 */
(function () {
  "use strict";
  var options = JSON.parse(document.getElementById("h5p-options").textContent);
  var container = document.getElementById("h5p-container");
  var parentWindow = window.parent;
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "*";
  var channel = null;
  var started = false;
  var lastHeight = 0;

  function send(message) {
    message.channel = channel;
    parentWindow.postMessage(message, parentOrigin);
  }

  // Outside resources the policy blocked (a CDN, a video host): the page tells the learner.
  var blockedOrigins = [];
  document.addEventListener("securitypolicyviolation", function (event) {
    var uri = String(event.blockedURI || "");
    if (!/^https?:/i.test(uri)) { return; }
    var origin;
    try { origin = new URL(uri).origin; } catch (error) { return; }
    if (blockedOrigins.indexOf(origin) !== -1) { return; }
    blockedOrigins.push(origin);
    if (started) { send({ type: "bw:blocked", origin: origin }); }
  });

  function currentState() {
    try {
      var instance = window.H5P && H5P.instances && H5P.instances[0];
      if (instance && typeof instance.getCurrentState === "function") {
        var state = instance.getCurrentState();
        return state === undefined ? null : JSON.stringify(state);
      }
    } catch (error) { /* content without resume support */ }
    return null;
  }

  function reportState() {
    var state = currentState();
    if (state !== null) { send({ type: "bw:state", state: state }); }
  }

  function reportHeight() {
    // Measure the content, not the document: the document is at least as tall as the frame,
    // so measuring it would never let the frame shrink.
    var height = Math.ceil(container.getBoundingClientRect().height) + 8;
    if (Math.abs(height - lastHeight) > 2) {
      lastHeight = height;
      send({ type: "bw:resize", height: height });
    }
  }

  function start(message) {
    channel = message.channel;
    // No user: H5P then makes no requests of its own for state (it has no session anyway),
    // and the page puts the real learner in each statement. A save frequency lets H5P hand
    // the saved state to the content; the state itself is preloaded here.
    var settings = Object.assign({}, options, { saveFreq: 30 });
    if (message.state) {
      settings.contentUserData = [{ state: message.state }];
    }
    if (message.translations) { settings.translations = message.translations; }
    new H5PStandalone.H5P(container, settings).then(function () {
      H5P.externalDispatcher.on("xAPI", function (event) {
        send({ type: "bw:xapi", statement: event.data.statement });
        reportState();
      });
      setInterval(reportState, 15000);
      if (window.ResizeObserver) {
        new ResizeObserver(reportHeight).observe(container);
      }
      setInterval(reportHeight, 1000);
      reportHeight();
    });
  }

  window.addEventListener("message", function (event) {
    if (event.source !== parentWindow || started) { return; }
    if (parentOrigin !== "*" && event.origin !== parentOrigin) { return; }
    var message = event.data;
    if (!message || message.type !== "bw:init" || typeof message.channel !== "string") { return; }
    started = true;
    if (message.language) { document.documentElement.lang = message.language; }
    start(message);
    blockedOrigins.forEach(function (origin) { send({ type: "bw:blocked", origin: origin }); });
  });
  send({ type: "bw:ready" });
})();
