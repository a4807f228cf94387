// The attendance roster without page reloads: each tap posts the same form the no-JS page
// uses and flips the button when the server agrees.
(function () {
  "use strict";
  var counter = document.querySelector(".roster-count");
  document.querySelectorAll(".roster-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch) return;
      event.preventDefault();
      var button = form.querySelector("button");
      var present = form.querySelector("input[name=present]");
      button.disabled = true;
      fetch(window.location.pathname, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: new FormData(form)
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) {
        var state = button.querySelector(".roster-state");
        button.classList.toggle("is-present", data.present);
        button.classList.toggle("is-absent", !data.present);
        button.setAttribute("aria-pressed", data.present ? "true" : "false");
        state.textContent = data.present ? state.dataset.present : state.dataset.absent;
        present.value = data.present ? "0" : "1";
        if (counter) {
          var count = document.querySelectorAll(".roster-button.is-present").length;
          counter.textContent = counter.textContent.replace(/\d+/, String(count));
        }
      }).catch(function () {
        form.submit();
      }).finally(function () {
        button.disabled = false;
      });
    });
  });
})();
