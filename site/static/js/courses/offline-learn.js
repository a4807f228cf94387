/* Learning offline in the pages (issue 23): "Keep offline" on a course or a module, answers
 * and completed lessons queued on the phone while offline (checked on the phone where the
 * course allows it), progress shown from that queue, the queue sent when the connection
 * returns, refused results shown with the site's reason, and the list of what is kept. */
(function () {
  "use strict";
  var S = window.BWLearnStore;
  if (!S || !window.indexedDB || !window.caches) return;
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (_m, k) { return String(obj[k]); });
  };
  var UPDATE_AFTER = 10 * 60 * 1000;

  function t(fmt, values) { return interpolate(fmt, values, true); }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function size(bytes) {
    var lang = document.documentElement.lang;
    if (bytes >= 1024 * 1024) {
      return t(gettext("%(n)s MB"), {n: (bytes / 1048576).toLocaleString(lang, {maximumFractionDigits: 1})});
    }
    return t(gettext("%(n)s KB"), {n: Math.max(1, Math.round(bytes / 1024)).toLocaleString(lang)});
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function heading() {
    var h1 = document.querySelector("main h1");
    return h1 ? h1.textContent.trim() : document.title;
  }

  /* ---- the queue's state: waiting results and refused ones ---------------------------- */

  var statusRoot = document.querySelector("[data-offline-status]");

  async function renderStatus() {
    if (!statusRoot) return;
    var queue = await S.queue();
    var refused = await S.refused();
    var pending = statusRoot.querySelector("[data-offline-pending]");
    var list = statusRoot.querySelector("[data-offline-refused]");
    if (queue.length) {
      pending.textContent = t(ngettext(
        "%(count)s result waits to be sent. It is sent when you are back online.",
        "%(count)s results wait to be sent. They are sent when you are back online.",
        queue.length), {count: queue.length});
    } else {
      pending.textContent = navigator.onLine ? "" : gettext("You are offline. What you do is kept on this phone.");
    }
    list.textContent = "";
    refused.forEach(function (item) {
      var li = el("li", "message message-error");
      li.appendChild(el("strong", "", t(gettext("Not recorded: %(what)s."), {what: item.label || ""})));
      li.appendChild(document.createTextNode(" " + (item.reason || "")));
      var button = el("button", "link-button", gettext("Dismiss"));
      button.type = "button";
      button.addEventListener("click", async function () {
        await S.dismiss(item.id);
        renderStatus();
      });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
      list.appendChild(li);
    });
    statusRoot.hidden = !queue.length && !refused.length && navigator.onLine;
    showProgress(queue);
  }

  async function sendQueue() {
    if (!navigator.onLine) return renderStatus();
    try { await S.sync(csrf()); } catch (error) { /* kept for the next try */ }
    return renderStatus();
  }

  /* ---- progress from the queue ---------------------------------------------------------- */

  function showProgress(queue) {
    var done = {};
    queue.forEach(function (item) { if (item.payload.kind === "lesson") done[item.payload.lesson] = true; });
    document.querySelectorAll("li[data-lesson]").forEach(function (li) {
      if (!done[li.dataset.lesson] || li.classList.contains("lesson-done")) return;
      li.classList.add("lesson-done", "lesson-queued");
      li.appendChild(el("span", "status-done", " ✓ " + gettext("done, waiting to be sent")));
    });
    var form = document.querySelector("form[data-offline=lesson]");
    if (form && done[form.dataset.lesson]) {
      form.replaceWith(el("p", "status-done", gettext("You completed this lesson. It is sent when you are back online.")));
    }
  }

  /* ---- answering offline ------------------------------------------------------------- */

  async function keptRecordFor(path) {
    var records = await S.kept();
    return records.find(function (r) { return path in r.items; }) || null;
  }

  async function answerKey() {
    var record = await keptRecordFor(location.pathname);
    if (!record || !record.localScoring) return null;
    var url = Object.keys(record.items).find(function (u) { return /\/answers$/.test(u); });
    if (!url) return null;
    var cached = await caches.match(url);
    try { return cached ? await cached.json() : null; } catch (error) { return null; }
  }

  function feedback(form, lines, kind) {
    var box = form.parentNode.querySelector(".offline-feedback");
    if (!box) {
      box = el("div", "offline-feedback");
      box.setAttribute("role", "status");
      form.parentNode.insertBefore(box, form.nextSibling);
    }
    box.textContent = "";
    lines.filter(Boolean).forEach(function (line) { box.appendChild(el("p", "message message-" + kind, line)); });
  }

  var KEPT_NOTE = gettext("Your answer is kept on this phone and checked when you are back online.");

  async function submitOffline(form) {
    var kind = form.dataset.offline;
    var id = S.uuid();
    var payload = {id: id, kind: kind};
    var label = heading();
    if (kind === "lesson") {
      payload.lesson = Number(form.dataset.lesson);
    } else if (kind === "check") {
      var chosen = form.querySelector("input[name=choice]:checked");
      if (!chosen) return;
      payload.lesson = Number(form.dataset.lesson);
      payload.block = form.dataset.block;
      payload.choice = Number(chosen.value);
      var legend = form.querySelector("legend");
      label = t(gettext("%(lesson)s: %(question)s"), {lesson: label, question: legend ? legend.textContent.trim() : ""});
    } else if (kind === "test") {
      payload.course = Number(form.dataset.course);
      payload.phase = form.dataset.phase;
      payload.answers = {};
      form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
        payload.answers[input.name.replace(/^q-/, "")] = Number(input.value);
      });
    } else {
      return;
    }
    await S.rememberToken(csrf());
    await S.enqueue({id: id, payload: payload, label: label, page: location.pathname});
    var key = kind === "lesson" ? null : await answerKey();
    if (kind === "check") {
      var answer = key && key.checks[form.dataset.lesson] && key.checks[form.dataset.lesson][form.dataset.block];
      if (answer) {
        var right = answer.correct.indexOf(payload.choice) !== -1;
        feedback(form, [
          right ? gettext("Correct.") : t(gettext("Not quite. The right answer: %(answer)s"), {answer: answer.answers.join(" / ")}),
          answer.explanation, gettext("Your answer is kept on this phone and sent when you are back online."),
        ], right ? "success" : "error");
      } else {
        feedback(form, [KEPT_NOTE], "info");
      }
      form.querySelector("button[type=submit]").disabled = true;
    } else if (kind === "test") {
      var score = 0, total = 0;
      if (key && key.tests) {
        Object.keys(key.tests).forEach(function (block) {
          total += 1;
          if (key.tests[block].correct.indexOf(payload.answers[block]) !== -1) score += 1;
        });
      }
      feedback(form, [total ? t(gettext("You answered %(score)s of %(total)s questions correctly."), {score: score, total: total}) : "",
        total ? gettext("Your answers are kept on this phone and sent when you are back online.") : KEPT_NOTE], "info");
      form.querySelector("button[type=submit]").disabled = true;
    }
    renderStatus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-offline]");
    if (!form || navigator.onLine) return;
    event.preventDefault();
    submitOffline(form);
  });

  // Offline, an exercise that cannot play from the kept files (SCORM, cmi5, or H5P where
  // packages have an origin of their own) says so rather than show a blank frame. A kept H5P
  // exercise plays offline (player.js with h5p-offline.js).
  function noteInteractive() {
    if (navigator.onLine) return;
    document.querySelectorAll(".interactive-player .interactive-status").forEach(function (node) {
      if (node.parentNode.querySelector("[data-offline-src]")) return;
      node.textContent = gettext("This exercise needs the internet. Your other answers are kept on this phone.");
    });
  }

  /* ---- keep offline: size first, then store, ask for persistent storage ------------- */

  async function persistNote() {
    var persisted = await S.persist();
    if (persisted === true) return gettext("Your phone keeps it until you remove it.");
    if (persisted === false) return gettext("Your phone may remove it if its storage runs low. Installing the site as an app helps it stay.");
    return "";
  }

  function setupKeep(box) {
    var status = box.querySelector("[data-keep-status]");
    var button = box.querySelector("[data-keep-button]");
    var confirmRow = box.querySelector("[data-keep-confirm]");
    var confirm = box.querySelector("[data-keep-yes]");
    var cancel = box.querySelector("[data-keep-no]");
    var remove = box.querySelector("[data-keep-remove]");
    var key = box.dataset.key;
    box.hidden = false;

    async function show() {
      var record = (await S.kept()).find(function (r) { return r.key === key; });
      confirmRow.hidden = true;
      button.hidden = !!record;
      remove.hidden = !record;
      status.textContent = record ? t(gettext("Kept offline on this phone: %(size)s."), {size: size(record.bytes)}) : "";
    }

    button.addEventListener("click", async function () {
      button.disabled = true;
      status.textContent = gettext("Checking the size…");
      try {
        var response = await fetch(box.dataset.manifestUrl, {credentials: "same-origin", cache: "no-store"});
        var manifest = await response.json();
        if (!response.ok) throw new Error(manifest.detail || "");
        status.textContent = t(gettext("It takes %(size)s on your phone. Keep it?"), {size: size(manifest.bytes)});
        confirmRow.hidden = false;
        button.hidden = true;
        confirm.focus();
      } catch (error) {
        status.textContent = error.message || gettext("The size could not be checked. Try again when you are online.");
      }
      button.disabled = false;
    });
    cancel.addEventListener("click", show);
    confirm.addEventListener("click", async function () {
      confirm.disabled = true;
      try {
        var record = await S.keep(box.dataset.manifestUrl, function (n, total) {
          status.textContent = t(gettext("Keeping %(n)s of %(total)s…"), {n: n, total: total});
        });
        var note = await persistNote();
        await show();
        status.textContent = t(gettext("Kept offline on this phone: %(size)s."), {size: size(record.bytes)}) + " " + note;
        box.dataset.kept = "1";
      } catch (error) {
        status.textContent = t(gettext("It could not be kept: %(reason)s"), {reason: error.message});
      }
      confirm.disabled = false;
    });
    remove.addEventListener("click", async function () {
      await S.forget(key);
      delete box.dataset.kept;
      show();
    });
    show();
  }

  document.querySelectorAll("[data-keep-offline]").forEach(setupKeep);

  /* ---- the "Kept offline" page ----------------------------------------------------- */

  async function renderKept(root) {
    var list = root.querySelector("[data-kept-items]");
    var summary = root.querySelector("[data-kept-summary]");
    var records = (await S.kept()).sort(function (a, b) { return b.keptAt.localeCompare(a.keptAt); });
    list.textContent = "";
    if (!records.length) {
      summary.textContent = gettext("Nothing is kept yet. Open a course and choose “Keep offline”.");
    }
    records.forEach(function (record) {
      var li = el("li", "saved-item");
      var link = el("a", "", record.title);
      link.href = record.url;
      if (record.language) link.lang = record.language;
      li.appendChild(link);
      li.appendChild(el("span", "muted", " " + size(record.bytes) + " "));
      var button = el("button", "", gettext("Remove"));
      button.type = "button";
      button.setAttribute("aria-label", t(gettext("Remove %(title)s"), {title: record.title}));
      button.addEventListener("click", async function () {
        button.disabled = true;
        await S.forget(record.key);
        renderKept(root);
      });
      li.appendChild(button);
      list.appendChild(li);
    });
    var estimate = await S.estimate();
    var lines = [];
    if (records.length) {
      var sum = records.reduce(function (total, r) { return total + r.bytes; }, 0);
      lines.push(t(gettext("Courses kept: %(size)s."), {size: size(sum)}));
    }
    if (estimate && estimate.quota) {
      lines.push(t(gettext("This site uses %(used)s of the %(quota)s your phone allows it."),
        {used: size(estimate.usage || 0), quota: size(estimate.quota)}));
    }
    if (navigator.storage && navigator.storage.persisted) {
      lines.push(await navigator.storage.persisted()
        ? gettext("Your phone keeps these until you remove them.")
        : gettext("Your phone may remove these if its storage runs low."));
    }
    if (records.length || estimate) summary.textContent = lines.join(" ");
  }

  var keptRoot = document.querySelector("[data-kept-list]");

  /* ---- updates: only what changed, never under the learner's feet ---------------------- */

  async function updateKept() {
    if (!navigator.onLine) return;
    var records = await S.kept();
    for (var i = 0; i < records.length; i++) {
      var age = Date.now() - Date.parse(records[i].checkedAt || 0);
      if (age < UPDATE_AFTER) continue;
      // The new copies go to the cache; the page on screen stays as it is, so a learner in
      // the middle of a lesson sees the update on their next page.
      try { await S.keep(records[i].manifestUrl); } catch (error) { /* next time */ }
    }
  }

  S.rememberToken(csrf());
  noteInteractive();
  window.addEventListener("online", sendQueue);
  window.addEventListener("offline", renderStatus);
  document.addEventListener("bw:learn-queued", renderStatus);
  sendQueue().then(function () {
    if (keptRoot) renderKept(keptRoot);
    updateKept();
  });
  if (keptRoot) renderKept(keptRoot);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "bw-learn-synced") renderStatus();
    });
  }
})();
