/* The comic reader: one panel at a time on a phone (CSS scroll snapping does the swipe),
 * previous/next buttons and arrow keys (mirrored for right-to-left), a panel counter,
 * save for offline with its size shown first, and anonymous reach. */
(function () {
  "use strict";
  var O = window.BWOffline;
  var root = document.querySelector("[data-comic]");
  if (!root) return;
  var list = root.querySelector("[data-panels]");
  var panels = Array.prototype.slice.call(list.children);
  var nav = root.querySelector("[data-nav]");
  var counter = root.querySelector("[data-counter]");
  var m = O.messages();
  var rtl = getComputedStyle(list).direction === "rtl";
  var current = 0;
  var completed = false;
  nav.hidden = false;
  root.classList.add("is-enhanced");

  function show(index) {
    current = Math.max(0, Math.min(panels.length - 1, index));
    panels[current].scrollIntoView({behavior: "smooth", block: "nearest", inline: "start"});
    update();
  }

  function update() {
    counter.textContent = O.format(m.panelOf, {number: current + 1, total: panels.length});
    root.querySelector("[data-prev]").disabled = current === 0;
    root.querySelector("[data-next]").disabled = current === panels.length - 1;
    if (current === panels.length - 1 && !completed) {
      completed = true;
      O.reach(root, "comic", root.dataset.comic, "complete");
    }
  }

  root.querySelector("[data-prev]").addEventListener("click", function () { show(current - 1); });
  root.querySelector("[data-next]").addEventListener("click", function () { show(current + 1); });
  list.addEventListener("keydown", function (event) {
    var forward = rtl ? "ArrowLeft" : "ArrowRight";
    var back = rtl ? "ArrowRight" : "ArrowLeft";
    if (event.key === forward || event.key === "PageDown") { event.preventDefault(); show(current + 1); }
    else if (event.key === back || event.key === "PageUp") { event.preventDefault(); show(current - 1); }
    else if (event.key === "Home") { event.preventDefault(); show(0); }
    else if (event.key === "End") { event.preventDefault(); show(panels.length - 1); }
  });
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && entry.intersectionRatio >= 0.6) {
          current = panels.indexOf(entry.target);
          update();
        }
      });
    }, {root: list, threshold: [0.6]});
    panels.forEach(function (panel) { observer.observe(panel); });
  }
  update();
  O.reach(root, "comic", root.dataset.comic, "view");

  // Save for offline: the page and each drawing in the size and format this phone uses.
  var row = root.querySelector("[data-save-row]");
  var button = root.querySelector("[data-save]");
  var sizeLabel = root.querySelector("[data-save-size]");
  var status = root.querySelector("[data-save-status]");
  var key = "comic:" + root.dataset.comic;
  row.hidden = false;

  // The drawing each panel would show on this phone: the same format and width the browser
  // picked for the first panel (already loaded), so nothing more is downloaded to tell the size.
  function firstLoaded() {
    var img = panels[0].querySelector("img");
    return img.complete && img.currentSrc ? Promise.resolve(img) : new Promise(function (resolve) {
      img.addEventListener("load", function () { resolve(img); }, {once: true});
      img.addEventListener("error", function () { resolve(img); }, {once: true});
    });
  }

  function candidates(picture) {
    var list = [];
    Array.prototype.forEach.call(picture.querySelectorAll("source, img"), function (node) {
      var type = node.getAttribute("type") || "";
      (node.getAttribute("srcset") || node.getAttribute("src") || "").split(",").forEach(function (part) {
        var bits = part.trim().split(/\s+/);
        if (bits[0]) list.push({url: new URL(bits[0], location.href).href, type: type, width: bits[1] || ""});
      });
    });
    return list;
  }

  async function drawingUrls() {
    var first = await firstLoaded();
    var chosen = candidates(panels[0].querySelector("picture") || panels[0]).filter(function (c) {
      return c.url === first.currentSrc;
    })[0];
    return panels.map(function (panel, index) {
      var img = panel.querySelector("img");
      if (index === 0 || !chosen) return img.currentSrc || img.src;
      var match = candidates(panel.querySelector("picture") || panel).filter(function (c) {
        return c.type === chosen.type && c.width === chosen.width;
      })[0];
      return match ? match.url : (img.currentSrc || img.src);
    });
  }

  async function showSize() {
    var saved = O.index()[key];
    if (saved) {
      button.textContent = m.remove;
      sizeLabel.textContent = O.format(m.sizeOf, {size: O.size(saved.size)});
      return;
    }
    button.textContent = m.save;
    var urls = await drawingUrls();
    var sizes = await Promise.all([root.dataset.pageUrl].concat(urls).map(O.headSize));
    var total = sizes.reduce(function (a, b) { return a + b; }, 0);
    sizeLabel.textContent = O.format(m.sizeOf, {size: O.size(total)});
  }

  if (!O.supported()) {
    button.disabled = true;
    status.textContent = m.unsupported;
  } else {
    showSize();
  }
  button.addEventListener("click", async function () {
    if (O.index()[key]) {
      await O.remove(key);
      status.textContent = m.removed;
      showSize();
      return;
    }
    button.disabled = true;
    status.textContent = m.saving;
    try {
      var urls = await drawingUrls();
      var kept = await O.save({
        key: key, kind: "comic", title: root.dataset.title, url: root.dataset.pageUrl,
        urls: urls, language: root.dataset.language, savedListUrl: root.dataset.savedUrl,
      });
      status.textContent = m.saved + O.persistNote(kept);
    } catch (error) {
      status.textContent = error && error.name === "QuotaExceededError" ? m.noSpace : m.failed;
    }
    button.disabled = false;
    showSize();
  });
})();
