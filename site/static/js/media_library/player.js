/* The episode player: native <video>, the lightest rendition by default on a slow or
 * data-saving connection, a visible choice of quality and size, audio only, captions in the
 * page's language first, save for offline, and reach/learning records. No player library. */
(function () {
  "use strict";
  var O = window.BWOffline;
  var PREF = "bw-quality";

  // The lightest video on a slow or data-saving connection (whatever was chosen before),
  // and when the browser cannot tell; the person's last choice otherwise.
  function suggested(options) {
    var connection = navigator.connection || {};
    var type = connection.effectiveType || "";
    if (connection.saveData || type === "slow-2g" || type === "2g") return "low";
    var stored = localStorage.getItem(PREF);
    if (stored && options.some(function (o) { return o.value === stored; })) return stored;
    return type === "4g" ? "medium" : "low";
  }

  function statement(root, verb, extra) {
    if (!root.dataset.recordUrl) return;
    var body = Object.assign({
      id: O.uuid(),
      verb: {id: "http://adlnet.gov/expapi/verbs/" + verb},
      object: {id: root.dataset.activity},
      timestamp: new Date().toISOString(),
    }, extra || {});
    fetch(root.dataset.recordUrl, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/json", "X-CSRFToken": O.csrf(root.dataset.csrf)},
      body: JSON.stringify(body),
    }).catch(function () {});
  }

  function setup(root) {
    if (root.dataset.ready) return;  // a page with several video blocks loads this twice
    root.dataset.ready = "1";
    var video = root.querySelector("video");
    var controls = root.querySelector("[data-controls]");
    var radios = Array.prototype.slice.call(root.querySelectorAll("input[type=radio]"));
    var select = root.querySelector("[data-captions]");
    var saveButton = root.querySelector("[data-save]");
    var saveSize = root.querySelector("[data-save-size]");
    var saveStatus = root.querySelector("[data-save-status]");
    var m = O.messages();
    var key = "video:" + root.dataset.video + ":" + root.dataset.language;
    controls.hidden = false;

    function chosen() { return radios.filter(function (r) { return r.checked; })[0]; }

    function use(radio, keepTime) {
      if (!radio) return;
      radio.checked = true;
      var time = video.currentTime, playing = !video.paused;
      var source = video.querySelector("source");
      if (source.getAttribute("src") === radio.dataset.url) return;
      source.setAttribute("src", radio.dataset.url);
      source.setAttribute("type", radio.dataset.mime);
      video.classList.toggle("is-audio", radio.value === "audio");
      video.load();
      if (keepTime && time) {
        video.addEventListener("loadedmetadata", function () {
          video.currentTime = time;
          if (playing) video.play();
        }, {once: true});
      }
      updateSaveSize();
    }

    var first = suggested(radios);
    use(radios.filter(function (r) { return r.value === first; })[0] || radios[0], false);
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () {
        localStorage.setItem(PREF, radio.value);
        use(radio, true);
      });
    });

    function showCaptions(language) {
      Array.prototype.forEach.call(video.textTracks, function (track) {
        track.mode = track.language === language ? "showing" : "disabled";
      });
    }
    if (select) {
      select.addEventListener("change", function () { showCaptions(select.value); });
      showCaptions(select.value);
      video.addEventListener("loadedmetadata", function () { showCaptions(select.value); });
    }

    function offlineUrls() {
      var urls = [chosen().dataset.url];
      Array.prototype.forEach.call(video.querySelectorAll("track"), function (t) {
        if (!select || t.srclang === select.value || t.srclang === root.dataset.language) urls.push(t.getAttribute("src"));
      });
      if (video.getAttribute("poster")) urls.push(video.getAttribute("poster"));
      return urls;
    }

    function updateSaveSize() {
      if (!saveSize) return;
      var saved = O.index()[key];
      if (saved) {
        saveButton.textContent = m.remove;
        saveSize.textContent = O.format(m.sizeOf, {size: O.size(saved.size)});
      } else {
        saveButton.textContent = m.save;
        saveSize.textContent = O.format(m.sizeOf, {size: O.size(Number(chosen().dataset.size))});
      }
    }

    if (saveButton) {
      if (!O.supported()) {
        saveButton.disabled = true;
        saveStatus.textContent = m.unsupported;
      }
      updateSaveSize();
      saveButton.addEventListener("click", async function () {
        if (O.index()[key]) {
          await O.remove(key);
          saveStatus.textContent = m.removed;
          updateSaveSize();
          return;
        }
        saveButton.disabled = true;
        saveStatus.textContent = m.saving;
        try {
          var kept = await O.save({
            key: key, kind: "video", title: root.dataset.title, url: root.dataset.pageUrl,
            urls: offlineUrls(), language: root.dataset.language, savedListUrl: root.dataset.savedUrl, quality: chosen().value,
          });
          localStorage.setItem(PREF, chosen().value);
          saveStatus.textContent = m.saved + O.persistNote(kept);
        } catch (error) {
          saveStatus.textContent = error && error.name === "QuotaExceededError" ? m.noSpace : m.failed;
        }
        saveButton.disabled = false;
        updateSaveSize();
      });
    }

    var viewed = false, completed = false;
    video.addEventListener("play", function () {
      if (viewed) return;
      viewed = true;
      O.reach(root, "video", root.dataset.video, "view");
      statement(root, "experienced");
    });
    function complete() {
      if (completed) return;
      completed = true;
      O.reach(root, "video", root.dataset.video, "complete");
      statement(root, "completed", {result: {completion: true}});
    }
    video.addEventListener("ended", complete);
    video.addEventListener("timeupdate", function () {
      if (video.duration && video.currentTime / video.duration >= 0.9) complete();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-player]"), setup);
})();
