// Keeps the course page's "Status in Canvas" region current while changes are pending, so a teacher
// sees Canvas catch up without reloading. The region is a polite live region: screen readers hear
// the new status once, when it changes.
(function () {
  "use strict";
  var POLL_MS = 3000;
  var MAX_POLLS = 200;
  var region = document.getElementById("sync-status");
  if (!region || !region.dataset.statusUrl) {
    return;
  }
  var polls = 0;
  function poll() {
    if (region.dataset.pending === "0" || polls++ >= MAX_POLLS) {
      return;
    }
    fetch(region.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return null;
        }
        region.dataset.pending = response.headers.get("X-Pending") || "0";
        return response.text();
      })
      .then(function (html) {
        if (html !== null && html.trim() !== region.innerHTML.trim()) {
          region.innerHTML = html;
        }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS);
      });
  }
  window.setTimeout(poll, POLL_MS);
})();
