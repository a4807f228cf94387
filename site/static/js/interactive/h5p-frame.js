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
    var height = Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);
    if (Math.abs(height - lastHeight) > 2) {
      lastHeight = height;
      send({ type: "bw:resize", height: height });
    }
  }

  function start(message) {
    channel = message.channel;
    var settings = Object.assign({}, options, {
      // A placeholder person: the page replaces the actor with the real learner.
      user: { name: "learner", mail: "learner@players.invalid" },
      saveFreq: false
    });
    if (message.state) {
      settings.contentUserData = [{ dataType: "state", previousState: message.state, subContentId: "*" }];
      settings.saveFreq = 30;
    }
    new H5PStandalone.H5P(container, settings).then(function () {
      H5P.externalDispatcher.on("xAPI", function (event) {
        send({ type: "bw:xapi", statement: event.data.statement });
        reportState();
      });
      setInterval(reportState, 15000);
      if (window.ResizeObserver) {
        new ResizeObserver(reportHeight).observe(document.body);
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
  });
  send({ type: "bw:ready" });
})();
