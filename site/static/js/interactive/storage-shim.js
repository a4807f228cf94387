/* In a frame sandboxed without allow-same-origin, touching localStorage throws. H5P's core
 * reads it (its offline request queue, clipboard, anonymous actor id); give it a storage
 * that lives only as long as the frame, so the player runs and nothing persists in it. */
(function () {
  "use strict";
  function memoryStorage() {
    var items = {};
    return {
      get length() { return Object.keys(items).length; },
      key: function (i) { return Object.keys(items)[i] || null; },
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(items, k) ? items[k] : null; },
      setItem: function (k, v) { items[k] = String(v); },
      removeItem: function (k) { delete items[k]; },
      clear: function () { items = {}; }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      void window[name].length;
    } catch (error) {
      try {
        Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
      } catch (ignored) { /* left as it is */ }
    }
  });
})();
