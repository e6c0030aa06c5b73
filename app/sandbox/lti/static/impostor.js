// A frame of another origin on the sandbox Canvas page (the `storage_forgeries` fault): asked by the forwarding
// frame, it sends the tool an answer with the right message_id from the wrong origin, then says it has.
(function () {
  "use strict";
  var platformOrigin = document.body.dataset.platformOrigin;
  window.addEventListener("message", function (event) {
    if (event.origin !== platformOrigin || !event.data || !event.data.forge) {
      return;
    }
    window.parent.frames.tool_content.postMessage(event.data.forge, "*");
    event.source.postMessage({ forged: true }, event.origin);
  });
})();
