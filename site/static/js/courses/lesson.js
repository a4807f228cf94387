// Records that the learner opened a lesson ("experienced"), once per lesson per page load.
// The statement id is made here, so a retried request is stored once.
(function () {
  "use strict";
  var lesson = document.querySelector("article.lesson[data-record-url]");
  if (!lesson || !window.fetch || !window.crypto || !crypto.randomUUID) return;
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  var statement = {
    id: crypto.randomUUID(),
    verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
    object: { id: lesson.dataset.activity },
    timestamp: new Date().toISOString()
  };
  var send = function (attempt) {
    fetch(lesson.dataset.recordUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": match ? decodeURIComponent(match[1]) : "" },
      body: JSON.stringify(statement)
    }).then(function (response) {
      if (response.status >= 500 && attempt < 3) setTimeout(function () { send(attempt + 1); }, 2000 * attempt);
    }).catch(function () {
      if (attempt < 3) setTimeout(function () { send(attempt + 1); }, 2000 * attempt);
    });
  };
  send(1);
})();
