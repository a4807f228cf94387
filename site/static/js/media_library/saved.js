/* The "Saved for offline" page: lists what this phone keeps, its size, and frees space. */
(function () {
  "use strict";
  var O = window.BWOffline;
  var root = document.querySelector("[data-saved-list]");
  if (!root) return;
  var list = root.querySelector("[data-saved-items]");
  var total = root.querySelector("[data-saved-total]");
  var status = root.querySelector("[data-saved-status]");

  function render() {
    var index = O.index();
    var keys = Object.keys(index).sort(function (a, b) {
      return (index[b].savedAt || "").localeCompare(index[a].savedAt || "");
    });
    list.textContent = "";
    var sum = 0;
    status.textContent = navigator.onLine ? "" : root.dataset.offline;
    if (!keys.length) {
      status.textContent = root.dataset.empty;
      total.textContent = "";
      return;
    }
    keys.forEach(function (key) {
      var item = index[key];
      sum += item.size || 0;
      var li = document.createElement("li");
      li.className = "saved-item";
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      if (item.language) link.lang = item.language;
      var size = document.createElement("span");
      size.className = "muted";
      size.textContent = " " + O.size(item.size || 0) + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = root.dataset.remove;
      button.addEventListener("click", async function () {
        button.disabled = true;
        await O.remove(key);
        render();
      });
      li.append(link, size, button);
      list.appendChild(li);
    });
    total.textContent = root.dataset.used + " " + O.size(sum);
  }

  render();
  window.addEventListener("online", render);
  window.addEventListener("offline", render);
})();
