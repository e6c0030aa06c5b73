// Keeps the page's [data-live] region current: fetches the page again every two seconds and swaps in the
// region when it changed. A button pauses it (WCAG 2.2.2); nothing is announced, to spare screen readers.
(function () {
  "use strict";
  var region = document.querySelector("[data-live]");
  var toggle = document.querySelector("[data-live-toggle]");
  var stamp = document.querySelector("[data-live-stamp]");
  if (!region || !toggle || !stamp) { return; }
  var every = 2000;
  var paused = false;
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.textContent = paused ? "Resume updates" : "Pause updates";
    stamp.textContent = paused ? "Updates paused." : "This page updates by itself.";
  });

  function refresh() {
    if (paused) { setTimeout(refresh, every); return; }
    fetch(window.location.href, { cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (text === null) { return; }
        var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("[data-live]");
        if (fresh && fresh.innerHTML !== region.innerHTML) { region.innerHTML = fresh.innerHTML; }
        stamp.textContent = "Updated at " + new Date().toLocaleTimeString() + ".";
      })
      .catch(function () { stamp.textContent = "Cannot reach the sandbox; trying again."; })
      .then(function () { setTimeout(refresh, every); });
  }
  setTimeout(refresh, every);
})();
