/* The page half of the interactive players.
 *
 * Each H5P or SCORM block becomes a sandboxed frame. Messages from a frame are trusted only
 * when they come from that frame's window AND from the expected origin (the package origin,
 * or "null" for a frame sandboxed without allow-same-origin). Results go to the site's
 * bridge endpoints with the learner's session and CSRF token, which the frame never sees.
 */
(function () {
  "use strict";

  var H5P_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered": true,
    "http://adlnet.gov/expapi/verbs/completed": true,
    "http://adlnet.gov/expapi/verbs/passed": true,
    "http://adlnet.gov/expapi/verbs/failed": true,
    "http://adlnet.gov/expapi/verbs/progressed": true
  };
  var SCORM_METHODS = {
    LMSInitialize: 1, LMSFinish: 1, LMSGetValue: 1, LMSSetValue: 1, LMSCommit: 1,
    LMSGetLastError: 1, LMSGetErrorString: 1, LMSGetDiagnostic: 1,
    Initialize: 1, Terminate: 1, GetValue: 1, SetValue: 1, Commit: 1,
    GetLastError: 1, GetErrorString: 1, GetDiagnostic: 1, getFlattenedCMI: 1
  };
  var gettext = window.gettext || function (s) { return s; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_, k) { return String(obj[k]); });
  };

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function makeFrame(slot, src, title, sandbox) {
    var iframe = document.createElement("iframe");
    iframe.className = "interactive-iframe";
    iframe.title = title;
    iframe.setAttribute("sandbox", sandbox);
    iframe.setAttribute("allow", "fullscreen; autoplay");
    iframe.setAttribute("referrerpolicy", "origin");
    iframe.src = src;
    slot.appendChild(iframe);
    return iframe;
  }

  function fromFrame(event, iframe, origin) {
    return !!iframe && event.source === iframe.contentWindow && event.origin === origin;
  }

  // A frame in an opaque origin can only be addressed with "*"; we still post to its window only.
  function targetOrigin(origin) { return origin === "null" ? "*" : origin; }

  function setStatus(node, text) { if (node) { node.textContent = text; } }

  /* ---- H5P -------------------------------------------------------------------------- */

  function startH5P(el) {
    var section = el.closest(".interactive-player");
    var statusNode = section && section.querySelector(".interactive-status");
    var origin = el.dataset.origin;
    var iframe = makeFrame(el, el.dataset.src, el.dataset.title, el.dataset.sandbox);
    var channel = uuid();
    var queue = [];
    var sending = false;
    var delay = 1000;
    var learner = el.dataset.learner;
    var stateTimer = null;
    var pendingState = null;

    function flush() {
      if (sending || !queue.length || !el.dataset.statementsUrl) { return; }
      sending = true;
      var batch = queue.slice(0, 20);
      post(el.dataset.statementsUrl, batch).then(function (res) {
        sending = false;
        if (res.ok || (res.status >= 400 && res.status < 500)) {
          queue.splice(0, batch.length);
          delay = 1000;
          if (res.ok) {
            var last = batch[batch.length - 1];
            var score = last.result && last.result.score;
            if (score && typeof score.scaled === "number" && /completed|answered/.test(last.verb.id)) {
              setStatus(statusNode, interpolate(gettext("Saved. Your score is %(score)s out of 100."),
                { score: Math.round(score.scaled * 100) }, true));
            } else {
              setStatus(statusNode, gettext("Your answers are saved."));
            }
            el.dataset.recorded = String(Number(el.dataset.recorded || 0) + res.data.stored);
          } else {
            setStatus(statusNode, res.data.detail || gettext("Your answers could not be saved."));
          }
          flush();
        } else {
          throw new Error("retry");
        }
      }).catch(function () {
        // Offline or a server hiccup: try again with the same statement ids (stored once).
        sending = false;
        setStatus(statusNode, gettext("Not saved yet: we will try again."));
        setTimeout(flush, delay);
        delay = Math.min(delay * 2, 60000);
      });
    }

    function record(statement) {
      if (!statement || typeof statement !== "object" || !statement.verb || !H5P_VERBS[statement.verb.id]) { return; }
      if (!el.dataset.statementsUrl) { return; }
      statement.id = statement.id || uuid();
      // The frame does not know who is learning; the page says so (the server checks it).
      statement.actor = { objectType: "Agent", account: { homePage: location.origin, name: learner } };
      queue.push(statement);
      flush();
    }

    function saveState(state) {
      if (!el.dataset.stateUrl || typeof state !== "string" || state.length > 60000) { return; }
      pendingState = state;
      clearTimeout(stateTimer);
      stateTimer = setTimeout(function () {
        var body = { state: pendingState };
        pendingState = null;
        post(el.dataset.stateUrl, body).catch(function () { /* the next save carries it */ });
      }, 1500);
    }

    window.addEventListener("message", function (event) {
      if (!fromFrame(event, iframe, origin)) { return; }
      var message = event.data;
      if (!message || typeof message.type !== "string") { return; }
      if (message.type === "bw:ready") {
        iframe.contentWindow.postMessage({
          type: "bw:init", channel: channel, state: el.dataset.state || "", language: el.dataset.language
        }, targetOrigin(origin));
        return;
      }
      if (message.channel !== channel) { return; }
      if (message.type === "bw:resize" && typeof message.height === "number") {
        iframe.style.blockSize = Math.max(150, Math.min(5000, Math.ceil(message.height))) + "px";
      } else if (message.type === "bw:xapi") {
        record(message.statement);
      } else if (message.type === "bw:state") {
        saveState(message.state);
      }
    });
  }

  /* ---- SCORM ------------------------------------------------------------------------ */

  var runtimeLoading = {};

  function loadRuntime(src) {
    if (!runtimeLoading[src]) {
      runtimeLoading[src] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return runtimeLoading[src];
  }

  function startScorm(root) {
    var section = root.closest(".interactive-player");
    var statusNode = section && section.querySelector(".interactive-status");
    var slot = root.querySelector("[data-frame-slot]");
    var version = root.dataset.version;
    var origin = root.dataset.origin;
    var current = null;

    function run(item, attempt) {
      var settings = { autocommit: false, lmsCommitUrl: false, logLevel: 5 };
      var is2004 = version === "2004";
      var api = is2004 ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);
      var resumed = attempt.cmi && Object.keys(attempt.cmi).length > 0;
      if (resumed) { api.loadFromJSON(attempt.cmi); }
      if (is2004) {
        api.cmi.learner_id = root.dataset.learner;
        api.cmi.learner_name = root.dataset.learnerName;
        api.cmi.entry = resumed ? "resume" : "ab-initio";
      } else {
        api.cmi.core.student_id = root.dataset.learner;
        api.cmi.core.student_name = root.dataset.learnerName;
        api.cmi.core.entry = resumed ? "resume" : "ab-initio";
      }
      var sequence = attempt.sequence || 0;
      var dirty = false;
      var timer = null;
      var closed = false;

      function flush(terminate) {
        clearTimeout(timer);
        if (!dirty && !terminate) { return; }
        dirty = false;
        sequence += 1;
        var body = { sequence: sequence, cmi: JSON.parse(JSON.stringify(api.cmi)), terminate: !!terminate };
        post(attempt.commit_url, body, true).then(function (res) {
          if (res.ok) {
            root.dataset.commits = String(Number(root.dataset.commits || 0) + 1);
            setStatus(statusNode, gettext("Your progress is saved."));
          } else {
            setStatus(statusNode, res.data.detail || gettext("Your progress could not be saved."));
          }
        }).catch(function () {
          dirty = true;
          setStatus(statusNode, gettext("Not saved yet: we will try again."));
          timer = setTimeout(function () { flush(terminate); }, 5000);
        });
      }
      // Many SetValue and Commit calls make one request every few seconds, not one each.
      function schedule() {
        dirty = true;
        clearTimeout(timer);
        timer = setTimeout(function () { flush(false); }, 3000);
      }
      api.on(is2004 ? "SetValue.cmi.*" : "LMSSetValue.cmi.*", function () { dirty = true; });
      api.on(is2004 ? "Commit" : "LMSCommit", schedule);
      api.on(is2004 ? "Terminate" : "LMSFinish", function () { dirty = true; flush(true); });

      var src = item.dataset.scoSrc;
      src += (src.indexOf("?") === -1 ? "?" : "&") + attempt.launch_query;
      var iframe = makeFrame(slot, src, item.dataset.scoTitle, root.dataset.sandbox);
      iframe.classList.add("interactive-iframe-tall");

      function onMessage(event) {
        if (closed || !fromFrame(event, iframe, origin)) { return; }
        var message = event.data;
        if (!message || typeof message.messageId !== "string" || typeof message.method !== "string") { return; }
        var reply = { messageId: message.messageId };
        if (message.isHeartbeat) {
          reply.isHeartbeat = true;
        } else if (!SCORM_METHODS[message.method] || typeof api[message.method] !== "function") {
          reply.error = { message: "Method not allowed", code: "101" };
        } else {
          try {
            reply.result = api[message.method].apply(api, Array.isArray(message.params) ? message.params : []);
          } catch (error) {
            reply.error = { message: String(error && error.message || error) };
          }
        }
        iframe.contentWindow.postMessage(reply, targetOrigin(origin));
      }
      window.addEventListener("message", onMessage);
      window.addEventListener("pagehide", function () { if (dirty) { flush(false); } });
      return {
        close: function () {
          if (dirty) { flush(false); }
          closed = true;
          window.removeEventListener("message", onMessage);
          iframe.remove();
        }
      };
    }

    function launch(item, restart) {
      if (current) { current.close(); current = null; }
      setStatus(statusNode, gettext("Loading…"));
      Promise.all([
        loadRuntime(root.dataset.runtime),
        post(item.dataset.attemptUrl, { restart: !!restart })
      ]).then(function (results) {
        var res = results[1];
        if (!res.ok) { setStatus(statusNode, res.data.detail || gettext("This module cannot start.")); return; }
        setStatus(statusNode, res.data.resumed ? gettext("Welcome back: you continue where you left off.") : "");
        root.dataset.attempt = res.data.attempt;
        current = run(item, res.data);
      }).catch(function () {
        setStatus(statusNode, gettext("This module cannot start. Check your connection and try again."));
      });
    }

    root.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        launch(button.closest(".sco"), button.dataset.action === "restart");
      });
    });
  }

  document.querySelectorAll('[data-interactive-player="h5p"]').forEach(startH5P);
  document.querySelectorAll('[data-interactive-player="scorm"]').forEach(startScorm);
})();
