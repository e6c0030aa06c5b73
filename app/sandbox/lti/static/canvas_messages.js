// The sandbox Canvas page's postMessage handler, as canvas-lms's ui/shared/lti/jquery/messages.ts and its
// subjects: platform storage (lti.put_data / lti.get_data in localStorage, partitioned by the tool's origin, with
// Canvas's limits per tool and page load), lti.capabilities and lti.frameResize. Other subjects get Canvas's
// unsupported_subject error. Storage messages come through the post_message_forwarding frame or straight from
// the tool (Canvas's fallback); either way the answer goes back to the window that asked, at its origin.
(function () {
  "use strict";
  var KEY_LIMIT = 500; // canvas-lms ui/shared/lti/jquery/platform_storage.ts STORAGE_KEY_LIMIT
  var CHAR_LIMIT = 4096; // STORAGE_CHAR_LIMIT: key and value lengths added up, per tool
  var MIN_TOOL_HEIGHT = 450; // ui/shared/lti/jquery/tool_launch_resizer.ts
  var FORWARDER = "post_message_forwarding";
  var storageOn = document.body.dataset.platformStorage === "on";
  var storageAnswers = document.body.dataset.storageAnswers === "on"; // off: the sandbox's silent-storage fault
  var limits = {};

  function limitOf(tool) {
    if (!limits[tool]) {
      limits[tool] = { keys: 0, chars: 0 };
    }
    return limits[tool];
  }

  function storageKey(tool, key) {
    return "lti|platform_storage|" + tool + "|" + key;
  }

  function putData(tool, key, value) {
    var limit = limitOf(tool);
    if (limit.keys >= KEY_LIMIT) {
      throw { code: "storage_exhaustion", message: "Reached key limit for tool" };
    }
    if (limit.chars + key.length + value.length > CHAR_LIMIT) {
      throw { code: "storage_exhaustion", message: "Reached byte limit for tool" };
    }
    limit.keys += 1;
    limit.chars += key.length + value.length;
    window.localStorage.setItem(storageKey(tool, key), value);
  }

  function clearData(tool, key) {
    var value = window.localStorage.getItem(storageKey(tool, key));
    if (value) {
      var limit = limitOf(tool);
      limit.keys = Math.max(0, limit.keys - 1);
      limit.chars = Math.max(0, limit.chars - key.length - value.length);
      window.localStorage.removeItem(storageKey(tool, key));
    }
  }

  function frameOf(source) {
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === source) {
        return frames[i];
      }
    }
    return null;
  }

  function requireKeyAndId(message) {
    if (!message.key) {
      throw { code: "bad_request", message: "Missing required 'key' field" };
    }
    if (!message.message_id) {
      throw { code: "bad_request", message: "Missing required 'message_id' field" };
    }
  }

  var handlers = {
    "lti.capabilities": function (request) {
      return {
        supported_messages: subjects().map(function (subject) {
          return /^lti\.(put|get)_data$/.test(subject) ? { subject: subject, frame: FORWARDER } : { subject: subject };
        }),
      };
    },
    "lti.put_data": function (request) {
      requireKeyAndId(request.message);
      if (request.message.value) {
        putData(request.tool, request.message.key, String(request.message.value));
        return { key: request.message.key, value: request.message.value };
      }
      clearData(request.tool, request.message.key);
      return { key: request.message.key };
    },
    "lti.get_data": function (request) {
      requireKeyAndId(request.message);
      var value = window.localStorage.getItem(storageKey(request.tool, request.message.key));
      return { key: request.message.key, value: value };
    },
    "lti.frameResize": function (request) {
      var height = Number(request.message.height);
      var frame = frameOf(request.source);
      if (frame) {
        frame.style.height = Math.max(MIN_TOOL_HEIGHT, height > 0 ? height : 1) + "px";
      }
      return {};
    },
  };

  function subjects() {
    return Object.keys(handlers).filter(function (subject) {
      return storageOn || !/^lti\.(put|get)_data$/.test(subject);
    });
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
    if (!message || typeof message !== "object" || typeof message.subject !== "string") {
      return;
    }
    if (/\.response$/.test(message.subject)) {
      return;
    }
    var forwarded = storageOn && event.source === window.frames[FORWARDER] && message.sourceToolInfo;
    function reply(contents) {
      var answer = { subject: message.subject + ".response" };
      if (message.message_id) {
        answer.message_id = message.message_id;
      }
      if (forwarded) {
        answer.sourceToolInfo = message.sourceToolInfo;
      }
      Object.keys(contents).forEach(function (name) {
        answer[name] = contents[name];
      });
      event.source.postMessage(answer, event.origin);
    }
    if (!storageAnswers && /^lti\.(put|get)_data$/.test(message.subject)) {
      return;
    }
    if (subjects().indexOf(message.subject) === -1) {
      reply({ error: { code: "unsupported_subject" } });
      return;
    }
    try {
      reply(handlers[message.subject]({
        message: message,
        source: event.source,
        tool: forwarded ? message.sourceToolInfo.origin : event.origin,
      }));
    } catch (e) {
      reply({ error: e.message ? { code: e.code || "error", message: e.message } : { code: e.code || "error" } });
    }
  });
})();
