// The login and launch pages between Canvas and the tool, where third-party cookies may be blocked (Safari,
// private windows, institution policies). Following 1EdTech's LTI platform storage (Client Side postMessages,
// postMessage Storage) as Canvas implements it (lti_storage_target, doc/api/lti_window_post_message.md):
//  - login: put the login's proof into the platform's storage, else check that cookies work, then go to the
//    platform; with neither, offer to open the tool in a tab of its own;
//  - launch (no state cookie came): read the proof back and post the launch again with it.
// Messages go to the named frame (lti_storage_target) with the exact origin of the platform's OIDC endpoint;
// without an answer in time, to the parent (Canvas's own fallback). An answer counts only if it comes from the
// window and origin the request went to and carries the request's message_id.
(function () {
  "use strict";
  var TIMEOUT_MS = 2000;
  var root = document.getElementById("lti-storage");
  if (!root) {
    return;
  }
  var cfg = root.dataset;
  var frameOrigins = JSON.parse(cfg.frameOrigins || "[]");

  function messageId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "kursadmin-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // One request, answered by `subject + ".response"` with its message_id, from `target` at one of `origins`.
  function ask(target, targetOrigin, origins, message) {
    return new Promise(function (resolve, reject) {
      var id = messageId();
      var timer;
      function onMessage(event) {
        var data = event.data;
        if (!data || typeof data !== "object" || data.message_id !== id) {
          return;
        }
        if (event.source !== target || origins.indexOf(event.origin) === -1) {
          return;
        }
        if (data.subject !== message.subject + ".response") {
          return;
        }
        window.removeEventListener("message", onMessage);
        window.clearTimeout(timer);
        if (data.error) {
          reject(data.error);
        } else {
          resolve(data);
        }
      }
      window.addEventListener("message", onMessage);
      timer = window.setTimeout(function () {
        window.removeEventListener("message", onMessage);
        reject({ code: "timeout" });
      }, TIMEOUT_MS);
      message.message_id = id;
      target.postMessage(message, targetOrigin);
    });
  }

  function namedFrame() {
    if (!cfg.target || cfg.target === "_parent" || window.parent === window) {
      return null;
    }
    try {
      return window.parent.frames[cfg.target] || null;
    } catch (e) {
      return null;
    }
  }

  // The parent is one of the origins allowed to frame the tool (its CSP says which); name it when the browser
  // tells us, else "*" as Canvas documents for this fallback.
  function parentOrigin() {
    var ancestors = window.location.ancestorOrigins;
    return ancestors && ancestors.length ? ancestors[0] : "*";
  }

  function storage(message) {
    if (!cfg.target || window.parent === window) {
      return Promise.reject({ code: "no_storage" });
    }
    var toParent = function () {
      return ask(window.parent, parentOrigin(), frameOrigins, Object.assign({}, message));
    };
    var frame = namedFrame();
    if (!frame) {
      return toParent();
    }
    return ask(frame, cfg.origin, [cfg.origin], Object.assign({}, message))["catch"](function (error) {
      if (error && error.code === "timeout") {
        return toParent();
      }
      throw error;
    });
  }

  function cookiesWork() {
    var name = "kursadmin_cookie_check";
    var attributes = "; path=/; Secure; SameSite=None; Partitioned";
    document.cookie = name + "=1" + attributes + "; max-age=60";
    var works = document.cookie.split("; ").indexOf(name + "=1") !== -1;
    document.cookie = name + "=" + attributes + "; max-age=0";
    return works;
  }

  function show(id) {
    var element = document.getElementById(id);
    element.hidden = false;
    document.getElementById("lti-progress").hidden = true;
    return element;
  }

  function login() {
    var next = function () {
      window.location.replace(cfg.next);
    };
    storage({ subject: "lti.put_data", key: cfg.key, value: cfg.value }).then(next, function () {
      if (cookiesWork()) {
        next();
      } else {
        show("lti-new-tab").querySelector("a").focus();
      }
    });
  }

  function launch() {
    var form = document.getElementById("lti-launch-form");
    storage({ subject: "lti.get_data", key: cfg.key })
      .then(function (answer) {
        if (typeof answer.value !== "string" || !answer.value) {
          throw { code: "not_found" };
        }
        document.getElementById("lti-storage-proof").value = answer.value;
        // Tidy the platform's storage; the launch goes on whatever the answer.
        return storage({ subject: "lti.put_data", key: cfg.key, value: null })["catch"](function () {});
      })
      .then(function () {
        form.submit();
      }, function () {
        show("lti-failed");
      });
  }

  if (cfg.step === "login") {
    login();
  } else if (cfg.step === "launch") {
    launch();
  }
})();
