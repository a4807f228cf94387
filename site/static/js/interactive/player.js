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
    // No attribute for the offline H5P frame: its document brings its own sandbox (a CSP
    // header), and a frame sandboxed by attribute would never be answered by the service worker.
    if (sandbox !== null) { iframe.setAttribute("sandbox", sandbox); }
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

  function blockedMessage(origin) {
    return interpolate(gettext(
      "Part of this exercise needs %(origin)s, which this site does not allow. It may not work fully: ask the training staff to allow it."),
      { origin: origin }, true);
  }

  /* ---- H5P -------------------------------------------------------------------------- */

  var NEEDS_NETWORK = "This exercise needs the internet. Your other answers are kept on this phone.";

  /* Offline, an exercise kept on this phone plays from the kept files (h5p-offline.js) and
   * its results are queued on the phone; otherwise it says it needs the internet. */
  function startH5P(el) {
    if (navigator.onLine || !window.BWH5POffline) { runH5P(el, false); return; }
    window.BWH5POffline.available(el).then(function (kept) {
      if (kept) { runH5P(el, true); return; }
      var section = el.closest(".interactive-player");
      setStatus(section && section.querySelector(".interactive-status"), gettext(NEEDS_NETWORK));
    });
  }

  function runH5P(el, offline) {
    var section = el.closest(".interactive-player");
    var statusNode = section && section.querySelector(".interactive-status");
    var origin = offline ? "null" : el.dataset.origin;
    var iframe = makeFrame(el, offline ? el.dataset.offlineSrc : el.dataset.src, el.dataset.title,
      offline ? null : el.dataset.sandbox);
    if (offline) {
      window.BWH5POffline.frame(el, iframe, function () {
        iframe.remove();
        setStatus(statusNode, gettext(NEEDS_NETWORK));
      });
    }
    var channel = uuid();
    var queue = [];
    var sending = false;
    var delay = 1000;
    var learner = el.dataset.learner;
    var stateTimer = null;
    var pendingState = null;
    var blocked = {};

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
      if (offline) {
        // Kept on the phone with its own id, sent with the other offline results.
        window.BWH5POffline.queue(el, statement, el.dataset.title).then(function (item) {
          if (!item) { return; }
          el.dataset.queued = String(Number(el.dataset.queued || 0) + 1);
          setStatus(statusNode, gettext("Your answer is kept on this phone and sent when you are back online."));
          document.dispatchEvent(new CustomEvent("bw:learn-queued"));
        });
        return;
      }
      queue.push(statement);
      flush();
    }

    function saveState(state) {
      if (offline || !el.dataset.stateUrl || typeof state !== "string" || state.length > 60000) { return; }
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
      } else if (message.type === "bw:blocked" && typeof message.origin === "string") {
        if (!blocked[message.origin]) {
          blocked[message.origin] = true;
          setStatus(statusNode, blockedMessage(message.origin.slice(0, 200)));
        }
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

  /* A simple SCORM 2004 sequencer for the page: control modes (choice, flow, forwardOnly),
   * pre-condition rules (skip, disabled, hiddenFromChoice), post-condition rules (continue,
   * previous, retry, exitAll, exitParent) and navigation requests (adl.nav.request), with
   * conditions on the activity's own status or a global objective written by another one.
   * SCORM 1.2 packages get free choice and flow in manifest order. */
  function Sequencer(data) {
    var self = this;
    this.is2004 = data.version === "2004";
    this.org = data.organisation || { id: "", sequencing: {} };
    this.activities = data.activities || [];
    this.byId = {};
    this.activities.forEach(function (a) { self.byId[a.id] = a; });
    this.leaves = this.activities.filter(function (a) { return a.sco; });
  }
  Sequencer.prototype.seqOf = function (id) {
    if (id === this.org.id) { return this.org.sequencing || {}; }
    return (this.byId[id] && this.byId[id].sequencing) || {};
  };
  Sequencer.prototype.control = function (parentId) {
    if (!this.is2004) { return { choice: true, flow: true, forwardOnly: false, choiceExit: true }; }
    var c = this.seqOf(parentId).control || {};
    return {
      choice: c.choice !== false, flow: c.flow === true,
      forwardOnly: c.forwardOnly === true, choiceExit: c.choiceExit !== false
    };
  };
  Sequencer.prototype.children = function (id) {
    return this.activities.filter(function (a) { return a.parent === id; });
  };
  Sequencer.prototype.status = function (activity) {
    // A cluster's status rolls up from its children (all completed / all satisfied).
    var kids = this.children(activity.id);
    if (!activity.sco && kids.length) {
      var self = this;
      var states = kids.map(function (k) { return self.status(k); });
      return {
        attempted: states.some(function (s) { return s.attempted; }),
        attempts: 0,
        completed: states.every(function (s) { return s.completed; }),
        progressKnown: states.every(function (s) { return s.progressKnown; }),
        satisfied: states.every(function (s) { return s.satisfied; }),
        statusKnown: states.every(function (s) { return s.statusKnown; })
      };
    }
    var st = activity.state || {};
    return {
      attempted: !!st.attempted,
      attempts: st.attempts || 0,
      completed: st.completion === "completed" || st.success === "passed",
      progressKnown: !!st.completion && st.completion !== "unknown" && st.completion !== "not attempted",
      satisfied: st.success === "passed",
      statusKnown: st.success === "passed" || st.success === "failed"
    };
  };
  Sequencer.prototype.objectiveStatus = function (activity, objectiveId) {
    var seq = activity.sequencing || {};
    if (!objectiveId || objectiveId === seq.primaryObjective) { return this.status(activity); }
    var mapping = (seq.objectives || []).filter(function (o) { return o.id === objectiveId && o.read; })[0];
    if (!mapping) { return { satisfied: false, statusKnown: false }; }
    var writer = this.activities.filter(function (a) {
      return ((a.sequencing || {}).objectives || []).some(function (o) { return o.target === mapping.target && o.write; });
    })[0];
    if (!writer) { return { satisfied: false, statusKnown: false }; }
    return this.status(writer);
  };
  Sequencer.prototype.condition = function (activity, cond) {
    var st = this.status(activity);
    var obj = cond.objective ? this.objectiveStatus(activity, cond.objective) : st;
    var limit = (activity.sequencing || {}).attemptLimit;
    var value = {
      satisfied: obj.satisfied,
      objectiveStatusKnown: obj.statusKnown,
      objectiveMeasureKnown: obj.statusKnown,
      completed: st.completed,
      activityProgressKnown: st.progressKnown,
      attempted: st.attempted,
      attemptLimitExceeded: !!limit && st.attempts >= limit,
      always: true
    }[cond.condition];
    value = !!value;
    return cond.operator === "not" ? !value : value;
  };
  Sequencer.prototype.ruleAction = function (activity, kind, actions) {
    var self = this;
    var rules = ((activity.sequencing || {})[kind]) || [];
    for (var i = 0; i < rules.length; i++) {
      var rule = rules[i];
      if (actions.indexOf(rule.action) === -1 || !rule.conditions.length) { continue; }
      var results = rule.conditions.map(function (c) { return self.condition(activity, c); });
      var met = rule.combination === "any" ? results.some(Boolean) : results.every(Boolean);
      if (met) { return rule.action; }
    }
    return null;
  };
  Sequencer.prototype.ancestors = function (activity) {
    var list = [];
    var parent = activity.parent;
    while (parent && this.byId[parent]) { list.push(this.byId[parent]); parent = this.byId[parent].parent; }
    return list;
  };
  Sequencer.prototype.blocked = function (activity, actions) {
    var self = this;
    return [activity].concat(this.ancestors(activity)).some(function (a) {
      return !!self.ruleAction(a, "pre", actions);
    });
  };
  Sequencer.prototype.choosable = function (activity) {
    if (!activity || !activity.sco) { return false; }
    if (!this.control(activity.parent).choice) { return false; }
    return !this.blocked(activity, ["disabled", "hiddenFromChoice"]);
  };
  Sequencer.prototype.flowFrom = function (current, step) {
    var index = current ? this.leaves.indexOf(current) : -1;
    if (current) {
      var c = this.control(current.parent);
      if (!c.flow) { return null; }
      if (step < 0 && c.forwardOnly) { return null; }
    }
    for (var i = index + step; i >= 0 && i < this.leaves.length; i += step) {
      var candidate = this.leaves[i];
      var cc = this.control(candidate.parent);
      if (!cc.flow && current) { return null; }
      if (this.blocked(candidate, ["disabled"])) { return null; }
      if (this.blocked(candidate, ["skip"])) { continue; }
      return candidate;
    }
    return null;
  };
  Sequencer.prototype.update = function (scoId, data) {
    var activity = this.leaves.filter(function (a) { return String(a.sco) === String(scoId); })[0];
    if (!activity) { return; }
    activity.state = activity.state || {};
    activity.state.attempted = true;
    if (data.completion_status) { activity.state.completion = data.completion_status; }
    if (data.success_status) { activity.state.success = data.success_status; }
    if (data.number) { activity.state.attempts = data.number; }
  };

  function startScorm(root) {
    var section = root.closest(".interactive-player");
    var statusNode = section && section.querySelector(".interactive-status");
    var slot = root.querySelector("[data-frame-slot]");
    var navBar = root.querySelector("[data-sco-navigation]");
    var version = root.dataset.version;
    var origin = root.dataset.origin;
    var dataNode = document.getElementById(root.dataset.sequencingId);
    var sequencer = new Sequencer(dataNode ? JSON.parse(dataNode.textContent) : {});
    var current = null;
    var blockedShown = {};

    function itemFor(activity) {
      return activity && root.querySelector('.sco[data-sco-id="' + CSS.escape(activity.id) + '"]');
    }
    function activityFor(item) { return sequencer.byId[item.dataset.scoId]; }

    function refresh() {
      root.querySelectorAll(".sco").forEach(function (item) {
        var activity = activityFor(item);
        var open = !activity || sequencer.choosable(activity) || (current && current.item === item);
        item.querySelectorAll("[data-action]").forEach(function (b) { b.disabled = !open; });
        var locked = item.querySelector(".sco-locked");
        if (locked) { locked.hidden = open; }
      });
      var active = current && activityFor(current.item);
      navBar.hidden = !current;
      navBar.querySelector('[data-nav="continue"]').disabled = !sequencer.flowFrom(active, 1);
      navBar.querySelector('[data-nav="previous"]').disabled = !sequencer.flowFrom(active, -1);
    }

    function describe(data) {
      if (data.success_status === "passed") { return gettext("passed"); }
      if (data.success_status === "failed") { return gettext("not passed yet"); }
      if (data.completion_status === "completed") { return gettext("completed"); }
      return gettext("in progress");
    }

    function showBlocked(originBlocked) {
      if (blockedShown[originBlocked]) { return; }
      blockedShown[originBlocked] = true;
      setStatus(statusNode, blockedMessage(originBlocked));
    }

    function run(item, attempt) {
      var settings = { autocommit: false, lmsCommitUrl: false, logLevel: 5 };
      var is2004 = version === "2004";
      var api = is2004 ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);
      var resumed = attempt.cmi && Object.keys(attempt.cmi).length > 0;
      if (resumed) { api.loadFromJSON(attempt.cmi); }
      var mastery = item.dataset.mastery;
      var threshold = item.dataset.threshold;
      var launchData = item.dataset.launchData || "";
      try {
        if (is2004) {
          api.cmi.learner_id = root.dataset.learner;
          api.cmi.learner_name = root.dataset.learnerName;
          api.cmi.entry = resumed ? "resume" : "ab-initio";
          if (mastery) { api.cmi.scaled_passing_score = String(Number(mastery) / 100); }
          if (threshold) { api.cmi.completion_threshold = String(threshold); }
          if (launchData) { api.cmi.launch_data = launchData; }
          var active = activityFor(item);
          api.adl.nav.request_valid.continue = sequencer.flowFrom(active, 1) ? "true" : "false";
          api.adl.nav.request_valid.previous = sequencer.flowFrom(active, -1) ? "true" : "false";
        } else {
          api.cmi.core.student_id = root.dataset.learner;
          api.cmi.core.student_name = root.dataset.learnerName;
          api.cmi.core.entry = resumed ? "resume" : "ab-initio";
          if (mastery) { api.cmi.student_data.mastery_score = String(mastery); }
          if (launchData) { api.cmi.launch_data = launchData; }
        }
      } catch (error) { /* a value scorm-again refuses stays unset */ }
      var sequence = attempt.sequence || 0;
      var dirty = false;
      var timer = null;
      var closed = false;
      var terminated = false;

      function flush(terminate) {
        clearTimeout(timer);
        if (!dirty && !terminate) { return Promise.resolve(); }
        dirty = false;
        sequence += 1;
        var body = { sequence: sequence, cmi: JSON.parse(JSON.stringify(api.cmi)), terminate: !!terminate };
        return post(attempt.commit_url, body, true).then(function (res) {
          if (res.ok) {
            root.dataset.commits = String(Number(root.dataset.commits || 0) + 1);
            setStatus(statusNode, gettext("Your progress is saved."));
            var activity = activityFor(item);
            if (activity) { sequencer.update(activity.sco, res.data); }
            var stateNode = item.querySelector(".sco-state");
            if (stateNode) {
              stateNode.textContent = interpolate(gettext("Attempt %(number)s"), { number: attempt.number }, true) +
                ": " + describe(res.data);
            }
            refresh();
          } else {
            setStatus(statusNode, res.data.detail || gettext("Your progress could not be saved."));
          }
          return res;
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
      api.on(is2004 ? "Terminate" : "LMSFinish", function () {
        terminated = true;
        dirty = true;
        var request = is2004 && api.adl && api.adl.nav ? String(api.adl.nav.request || "_none_") : "_none_";
        flush(true).then(function () { afterTerminate(item, request); });
      });

      var src = item.dataset.scoSrc;
      src += (src.indexOf("?") === -1 ? "?" : "&") + attempt.launch_query;
      var iframe = makeFrame(slot, src, item.dataset.scoTitle, root.dataset.sandbox);
      iframe.classList.add("interactive-iframe-tall");

      function onMessage(event) {
        if (closed || !fromFrame(event, iframe, origin)) { return; }
        var message = event.data;
        if (message && message.type === "bw:blocked" && typeof message.origin === "string") {
          showBlocked(message.origin.slice(0, 200));
          return;
        }
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
        item: item,
        isTerminated: function () { return terminated; },
        close: function () {
          // Unload the SCO first: its unload handlers still reach the API (Terminate).
          return new Promise(function (resolve) {
            try { iframe.src = "about:blank"; } catch (error) { /* gone */ }
            setTimeout(function () {
              if (dirty) { flush(false); }
              closed = true;
              window.removeEventListener("message", onMessage);
              iframe.remove();
              resolve();
            }, terminated ? 0 : 400);
          });
        }
      };
    }

    function afterTerminate(item, request) {
      var activity = activityFor(item);
      var postAction = activity ? sequencer.ruleAction(activity, "post", ["exitAll", "exitParent", "retry", "retryAll", "continue", "previous"]) : null;
      var exit = activity ? sequencer.ruleAction(activity, "exit", ["exit"]) : null;
      var choice = /^\{target=([^}]+)\}(choice|jump)$/.exec(request);
      if (choice) {
        var target = sequencer.byId[choice[1]];
        if (target && (choice[2] === "jump" || sequencer.choosable(target))) { launch(itemFor(target), false); }
        return;
      }
      if (request === "continue" || (request === "_none_" && postAction === "continue")) {
        navigate(1);
      } else if (request === "previous" || (request === "_none_" && postAction === "previous")) {
        navigate(-1);
      } else if (request === "_none_" && (postAction === "retry" || postAction === "retryAll")) {
        launch(item, true);
      } else if (/^(exitAll|suspendAll|abandonAll|exit|abandon)$/.test(request) ||
                 postAction === "exitAll" || postAction === "exitParent" || exit) {
        closeCurrent();
      } else {
        refresh();
      }
    }

    function navigate(step) {
      var active = current && activityFor(current.item);
      var next = sequencer.flowFrom(active, step);
      if (next) { launch(itemFor(next), false); } else { closeCurrent(); }
    }

    function closeCurrent() {
      var running = current;
      current = null;
      refresh();
      return running ? running.close() : Promise.resolve();
    }

    function launch(item, restart) {
      if (!item) { return; }
      var previous = current;
      current = null;
      setStatus(statusNode, gettext("Loading…"));
      (previous ? previous.close() : Promise.resolve()).then(function () {
        return Promise.all([
          loadRuntime(root.dataset.runtime),
          post(item.dataset.attemptUrl, { restart: !!restart })
        ]);
      }).then(function (results) {
        var res = results[1];
        if (!res.ok) { setStatus(statusNode, res.data.detail || gettext("This module cannot start.")); return; }
        setStatus(statusNode, res.data.resumed ? gettext("Welcome back: you continue where you left off.") : "");
        root.dataset.attempt = res.data.attempt;
        current = run(item, res.data);
        refresh();
      }).catch(function () {
        setStatus(statusNode, gettext("This module cannot start. Check your connection and try again."));
      });
    }

    root.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        launch(button.closest(".sco"), button.dataset.action === "restart");
      });
    });
    navBar.querySelectorAll("[data-nav]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.dataset.nav === "exit") { closeCurrent(); } else { navigate(button.dataset.nav === "continue" ? 1 : -1); }
      });
    });
    refresh();
  }

  document.querySelectorAll('[data-interactive-player="h5p"]').forEach(startH5P);
  document.querySelectorAll('[data-interactive-player="scorm"]').forEach(startScorm);
})();
