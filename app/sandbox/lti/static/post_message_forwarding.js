// Canvas's post_message_forwarding frame (canvas-lms ui/features/post_message_forwarding/index.ts): a tool sends
// its storage messages here, at the origin of the platform's OIDC endpoint; they go on to the Canvas page with
// the tool's origin and a window number, and Canvas's answers come back to that window at that origin.
// With the sandbox's `storage_forgeries` fault, each lti.get_data answer is preceded by two forgeries: one from
// this origin with another message_id, one with the right message_id from another origin (the impostor frame).
(function () {
  "use strict";
  var page = document.body.dataset;
  var parentOrigin = page.parentOrigin;
  var impostorOrigin = page.impostorOrigin;
  var windows = [];
  var pendingForgeries = [];

  function withoutToolInfo(message) {
    var copy = {};
    Object.keys(message).forEach(function (name) {
      if (name !== "sourceToolInfo") {
        copy[name] = message[name];
      }
    });
    return copy;
  }

  function countForgery() {
    var body = window.parent.document.body;
    body.dataset.forgedAnswers = String(Number(body.dataset.forgedAnswers || "0") + 1);
  }

  function deliver(target, origin, answer) {
    if (!impostorOrigin || answer.subject !== "lti.get_data.response") {
      target.postMessage(answer, origin);
      return;
    }
    target.postMessage(Object.assign({}, answer, { message_id: answer.message_id + "-other", value: "forged" }), origin);
    countForgery();
    pendingForgeries.push(function () {
      target.postMessage(answer, origin);
    });
    window.parent.frames.impostor.postMessage({ forge: Object.assign({}, answer, { value: "forged" }) },
                                              impostorOrigin);
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (typeof message === "string") {
      try {
        message = JSON.parse(message);
      } catch (e) {
        return;
      }
    }
    if (!message || typeof message !== "object") {
      return;
    }
    if (impostorOrigin && event.origin === impostorOrigin) {
      if (message.forged && pendingForgeries.length) {
        countForgery();
        pendingForgeries.shift()();
      }
      return;
    }
    if (event.origin === parentOrigin) {
      var info = message.sourceToolInfo;
      if (info && windows[info.windowId]) {
        deliver(windows[info.windowId], info.origin, withoutToolInfo(message));
      }
      return;
    }
    var windowId = windows.indexOf(event.source);
    if (windowId === -1) {
      windows.push(event.source);
      windowId = windows.length - 1;
    }
    var forwarded = Object.assign({}, message, { sourceToolInfo: { origin: event.origin, windowId: windowId } });
    window.top.postMessage(forwarded, parentOrigin);
  });
})();
