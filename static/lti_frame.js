// Asks Canvas to fit its iframe to the tool's page (Canvas's lti.frameResize message), so nothing is cut off at
// the bottom and the page does not scroll inside the frame. Sent again whenever the page's height changes.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var sent = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== sent) {
      sent = height;
      // The height is no secret, and Canvas's page (the parent) may be any origin allowed to frame the tool.
      window.parent.postMessage({ subject: "lti.frameResize", height: height }, "*");
    }
  }
  if (window.ResizeObserver) {
    new window.ResizeObserver(report).observe(document.documentElement);
  } else {
    window.addEventListener("resize", report);
  }
  report();
})();
