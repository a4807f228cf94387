// The export page asks its own address whether the file is built (?poll=1 answers JSON)
// every few seconds, and fetches the file when it is; without script, "Check again" does it.
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-export-status");
  var message = box.querySelector("[role=status]");
  var tries = 0;

  function ask() {
    tries += 1;
    fetch(url + "?poll=1", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.ready) {
          message.textContent = box.getAttribute("data-ready-text");
          window.location.assign(url);
        } else if (state && state.finished) {
          window.location.assign(url); // failed or expired: the page says why
        } else if (tries < 720) {
          window.setTimeout(ask, 5000);
        }
      })
      .catch(function () { if (tries < 720) window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 5000);
})();
