// Progressive enhancement for the post box: a small toolbar that wraps the selected text in
// the allowlisted tags. Without JavaScript the toolbar stays hidden and the plain textarea
// works as before. No inline script or style: the Content Security Policy stays strict.
(function () {
  "use strict";
  var WRAPPERS = {
    bold: ["<b>", "</b>"],
    italic: ["<i>", "</i>"],
    quote: ["<blockquote>", "</blockquote>\n"],
    list: ["<ul>\n<li>", "</li>\n</ul>\n"]
  };

  function wrap(textarea, before, after) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    var selected = value.slice(start, end);
    textarea.value = value.slice(0, start) + before + selected + after + value.slice(end);
    textarea.focus();
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
  }

  document.querySelectorAll("[data-editor-toolbar]").forEach(function (toolbar) {
    var form = toolbar.closest("form");
    var textarea = form && form.querySelector("textarea[name=source]");
    if (!textarea) {
      return;
    }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      event.preventDefault();
      var action = button.getAttribute("data-action");
      if (action === "link") {
        var address = window.prompt(button.getAttribute("data-prompt"), "https://");
        if (address && /^https?:\/\//i.test(address)) {
          wrap(textarea, '<a href="' + address.replace(/"/g, "%22") + '">', "</a>");
        }
        return;
      }
      wrap(textarea, WRAPPERS[action][0], WRAPPERS[action][1]);
    });
    // Sending twice from a slow phone makes one post anyway (the form carries an id),
    // but the button says what is happening.
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (submit) {
        submit.setAttribute("aria-disabled", "true");
      });
    });
  });
})();
