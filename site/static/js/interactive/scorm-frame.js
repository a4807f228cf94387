/* Injected at the top of a SCO's launch document (package origin, sandboxed frame): the SCORM
 * run-time API the SCO looks for is a cross-frame proxy to the real one (scorm-again, with its
 * data-model validation) that runs in the page, which alone talks to the server. */
(function () {
  "use strict";
  var ancestors = window.location.ancestorOrigins;
  var parentOrigin = ancestors && ancestors.length ? ancestors[0] : "*";
  if (window.CrossFrameAPI) {
    window.API = window.API_1484_11 = new window.CrossFrameAPI(parentOrigin, window.parent);
  }
})();
