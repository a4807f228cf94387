/* Injected at the top of a SCO's launch document (package origin, sandboxed frame): the SCORM
 * run-time API the SCO looks for is a cross-frame proxy to the real one (scorm-again, with its
 * data-model validation) that runs in the page, which alone talks to the server.
 *
 * The proxy answers GetValue from a cache that fills asynchronously; the saved data of the
 * attempt (suspend data, location, entry) is primed into it here so that a SCO reading it
 * right after Initialize resumes where the learner stopped. */
(function () {
  "use strict";
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "*";
  if (!window.CrossFrameAPI) { return; }
  var api = new window.CrossFrameAPI(parentOrigin, window.parent);
  var primed = {};
  try {
    var node = document.getElementById("bw-scorm-cmi");
    primed = node ? JSON.parse(node.textContent) : {};
  } catch (error) { primed = {}; }
  Object.keys(primed).forEach(function (key) { api._cache.set(key, String(primed[key])); });
  window.API = window.API_1484_11 = api;
})();
