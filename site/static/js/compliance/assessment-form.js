/* The assessment form on a phone with a poor connection: every answer is kept on the
   device first (localStorage), then sent one by one. Each write carries an id made here,
   so a send retried after a lost connection is stored once; each carries the version the
   device last saw, so an answer someone else gave meanwhile is never overwritten (the
   server refuses it and sends theirs back, which is shown). Without JavaScript the page's
   "Save all answers" button does the same through an ordinary form post. */
(function () {
  "use strict";
  var sheet = document.getElementById("cmp-sheet");
  if (!sheet || !sheet.dataset.api || !window.fetch || !window.localStorage) {
    return;
  }
  var api = sheet.dataset.api;
  var key = "compliance-answers-" + sheet.dataset.assessment;
  var status = document.getElementById("cmp-status");
  var token = sheet.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(key) || "[]");
    } catch (error) {
      return [];
    }
  }

  function store(queue) {
    if (queue.length) {
      localStorage.setItem(key, JSON.stringify(queue));
    } else {
      localStorage.removeItem(key);
    }
  }

  function fieldset(question) {
    return document.getElementById("q-" + question);
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function mark(question, text) {
    var box = fieldset(question);
    if (box) {
      box.querySelector(".cmp-saved").textContent = text;
    }
  }

  function setVersion(question, version) {
    var box = fieldset(question);
    if (!box) {
      return;
    }
    box.dataset.version = String(version);
    box.querySelector("input[name=version-" + question + "]").value = String(version);
  }

  function showFinding(finding) {
    var box = fieldset(finding.question);
    if (!box) {
      return;
    }
    box.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.checked = radio.value === finding.answer;
    });
    box.querySelector("textarea").value = finding.notes;
    box.classList.toggle("cmp-nc", finding.non_compliant);
    setVersion(finding.question, finding.version);
  }

  function pendingText(queue) {
    return queue.length ? sheet.dataset.queued + " (" + queue.length + " " + sheet.dataset.pending + ")" : "";
  }

  /* Queue this question's answer, replacing one not yet sent for the same question. */
  function capture(box) {
    var question = Number(box.dataset.question);
    var checked = box.querySelector("input[type=radio]:checked");
    if (!checked) {
      return;
    }
    var queue = load().filter(function (write) {
      return write.question !== question;
    });
    queue.push({
      question: question,
      answer: checked.value,
      notes: box.querySelector("textarea").value,
      client_id: newId(),
      base_version: Number(box.dataset.version || 0),
      answered_at: new Date().toISOString()
    });
    store(queue);
    mark(question, sheet.dataset.queued);
    flush();
  }

  function flush() {
    if (sending) {
      return;
    }
    var queue = load();
    if (!queue.length) {
      return;
    }
    sending = true;
    say(sheet.dataset.sending);
    var write = queue[0];
    fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(write)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (body) {
        return {status: response.status, body: body};
      });
    }).then(function (result) {
      sending = false;
      var rest = load().filter(function (item) {
        return item.client_id !== write.client_id;
      });
      if (result.status === 200 || result.status === 201) {
        // A newer write for this question may be waiting: it was based on the old version.
        rest.forEach(function (item) {
          if (item.question === write.question) {
            item.base_version = result.body.version;
          }
        });
        store(rest);
        setVersion(write.question, result.body.version);
        fieldset(write.question).classList.toggle("cmp-nc", result.body.non_compliant);
        mark(write.question, sheet.dataset.saved);
      } else if (result.status === 409 && result.body.finding) {
        store(rest);
        showFinding(result.body.finding);
        mark(write.question, sheet.dataset.conflict);
      } else if (result.status === 409 || result.status === 401 || result.status === 403) {
        say(result.body.error || sheet.dataset.locked);
        return;  // keep the queue: nothing is lost, the person sees why
      } else if (result.status >= 400 && result.status < 500) {
        store(rest);
        mark(write.question, result.body.error || "");
      } else {
        say(pendingText(load()));
        return;  // server trouble: try again later
      }
      say(pendingText(load()) || sheet.dataset.saved);
      flush();
    }).catch(function () {
      sending = false;
      say(pendingText(load()));
    });
  }

  sheet.addEventListener("change", function (event) {
    var box = event.target.closest("fieldset[data-question]");
    if (box && (event.target.type === "radio" || event.target.tagName === "TEXTAREA")) {
      capture(box);
    }
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 15000);

  // Answers kept from an earlier visit (or made before a reload) show and go out first.
  load().forEach(function (write) {
    var box = fieldset(write.question);
    if (box) {
      box.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = radio.value === write.answer;
      });
      box.querySelector("textarea").value = write.notes;
      mark(write.question, sheet.dataset.queued);
    }
  });
  say(pendingText(load()));
  flush();
})();
