/*
 * Myositis Exercise Guide: the chat widget.
 *
 * One script tag installs it:
 *   <script src="https://HOST/widget/widget.js" data-server="https://RASA-HOST" defer></script>
 * Optional data attributes: data-title, data-launcher, data-color (CSS colour),
 * data-strings (JSON of interface wording). It loads its stylesheet and the pinned socket.io
 * client from its own origin, so a Content-Security-Policy needs to allow only that origin.
 *
 * Answers are rendered from the structured payload the assistant sends ({custom: {...}}), so
 * sources, disclaimers and warning-sign styling never depend on parsing text.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var data = script.dataset;
  var server = data.server || base;
  var STRINGS = Object.assign(
    {
      title: "Exercise and myositis",
      launcher: "Ask about exercise",
      close: "Close chat",
      restart: "Start again",
      end: "End and clear",
      smaller: "Smaller text",
      larger: "Larger text",
      input: "Type your question",
      send: "Send",
      human: "Talk to a person",
      sources: "Sources",
      moreSources: "More sources",
      notice: "Please note",
      feedback: "Was this answer helpful?",
      helped: "This helped",
      notHelped: "This did not help",
      thanks: "Thank you for your feedback",
      reconnecting: "Reconnecting… your messages will be sent when the connection is back.",
      typing: "The assistant is typing",
      urgent: "Important: please act now",
      call: "Call",
      you: "You said",
      bot: "Assistant said",
    },
    data.strings ? JSON.parse(data.strings) : {}
  );
  var SESSION_KEY = "mw-session-id";
  var SIZE_KEY = "mw-text-size";
  var PENDING_MS = 400;

  // The session secret and unsent messages live only as long as this tab (sessionStorage), so the
  // next person on a shared computer does not find them; copies older versions kept are removed.
  var OUTBOX_KEY = "mw-outbox";
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(OUTBOX_KEY);
  var sessionId = sessionStorage.getItem(SESSION_KEY);
  var socket = null;
  var confirmed = false;
  var outbox = JSON.parse(sessionStorage.getItem(OUTBOX_KEY) || "[]");
  var pendingTexts = [];
  var pendingTimer = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  // Only http(s) addresses become links: a "javascript:" URL would run in the charity's page.
  function webLink(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }

  // "End and clear": forget this conversation in this browser; the next one starts afresh.
  function endAndClear() {
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(OUTBOX_KEY);
    sessionId = null;
    outbox = [];
    if (socket) { socket.off(); socket.disconnect(); socket = null; }
    confirmed = false;
    started = false;
    log.textContent = "";
    status.hidden = true;
    typing.hidden = true;
    hide();
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  // ---- the page furniture -------------------------------------------------------------------
  var css = el("link", { rel: "stylesheet", href: base + "/widget/widget.css" });
  document.head.appendChild(css);

  var root = el("div", { className: "mw-root" });
  if (data.color) root.style.setProperty("--mw-accent", data.color);
  var launcher = el("button", {
    className: "mw-launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "mw-panel", text: data.launcher || STRINGS.launcher, disabled: "",
  });
  var title = el("h2", { className: "mw-title", id: "mw-title", text: data.title || STRINGS.title });
  var smaller = el("button", { type: "button", className: "mw-tool", "aria-label": STRINGS.smaller, text: "A−" });
  var larger = el("button", { type: "button", className: "mw-tool", "aria-label": STRINGS.larger, text: "A+" });
  var restart = el("button", { type: "button", className: "mw-tool", text: STRINGS.restart });
  var end = el("button", { type: "button", className: "mw-tool", text: STRINGS.end });
  var close = el("button", { type: "button", className: "mw-tool", "aria-label": STRINGS.close, text: "✕" });
  var status = el("div", { className: "mw-status", role: "status", hidden: "" });
  var log = el("div", {
    className: "mw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-labelledby": "mw-title", tabindex: "0",
  });
  var typing = el("div", { className: "mw-typing", hidden: "", "aria-label": STRINGS.typing, role: "img" },
    [el("span"), el("span"), el("span")]);
  var input = el("input", {
    className: "mw-input", type: "text", id: "mw-input", autocomplete: "off",
    "aria-label": STRINGS.input, placeholder: STRINGS.input, maxlength: "1000",
  });
  var send = el("button", { type: "submit", className: "mw-send", text: STRINGS.send });
  var human = el("button", { type: "button", className: "mw-human", text: STRINGS.human });
  var form = el("form", { className: "mw-form" }, [input, send]);
  var panel = el("section", {
    className: "mw-panel", id: "mw-panel", role: "dialog", "aria-labelledby": "mw-title", hidden: "",
  }, [
    el("header", { className: "mw-header" }, [title, el("div", { className: "mw-tools" }, [smaller, larger, restart, end, close])]),
    status, log, typing, form, human,
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);
  document.body.appendChild(root);

  var size = parseFloat(localStorage.getItem(SIZE_KEY) || "1");
  function applySize() {
    root.style.setProperty("--mw-scale", String(size));
    localStorage.setItem(SIZE_KEY, String(size));
  }
  applySize();

  // ---- rendering ----------------------------------------------------------------------------
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function userBubble(text) {
    log.appendChild(el("div", { className: "mw-msg mw-user" }, [
      el("span", { className: "mw-sr", text: STRINGS.you + ": " }), document.createTextNode(text),
    ]));
    scrollDown();
  }

  function quickReplies(buttons, live) {
    if (!buttons || !buttons.length) return null;
    var group = el("div", { className: "mw-replies", role: "group" });
    buttons.forEach(function (button) {
      var b = el("button", { type: "button", className: "mw-reply", text: button.title });
      b.disabled = !live;
      b.addEventListener("click", function () {
        say(button.payload, button.title);
        input.focus();  // the tapped reply is retired; keep keyboard users in the conversation
      });
      group.appendChild(b);
    });
    return group;
  }

  function feedback(payload) {
    var group = el("div", { className: "mw-feedback", role: "group", "aria-label": STRINGS.feedback });
    [["up", "✓ " + STRINGS.helped], ["down", "✗ " + STRINGS.notHelped]].forEach(function (spec) {
      var b = el("button", { type: "button", className: "mw-thumb", "aria-pressed": "false", text: spec[1] });
      b.addEventListener("click", function () {
        group.querySelectorAll("button").forEach(function (other) { other.disabled = true; });
        b.setAttribute("aria-pressed", "true");
        var body = JSON.stringify({ rating: spec[0], entries: payload.entries });
        say("/feedback" + body, null);
        group.appendChild(el("span", { className: "mw-thanks", text: STRINGS.thanks }));
      });
      group.appendChild(b);
    });
    return group;
  }

  function botBubble(payload, buttons, live) {
    var urgent = payload.type === "red_flag" || payload.type === "crisis";
    var bubble = el("article", { className: "mw-msg mw-bot" + (urgent ? " mw-urgent" : "") });
    bubble.dataset.type = payload.type;
    if (payload.topic) bubble.dataset.topic = payload.topic;
    if (payload.entries && payload.entries.length) bubble.dataset.entries = JSON.stringify(payload.entries);
    bubble.appendChild(el("span", { className: "mw-sr", text: STRINGS.bot + ": " }));
    if (urgent) bubble.appendChild(el("p", { className: "mw-urgent-title", text: "⚠ " + STRINGS.urgent }));
    (payload.body || []).forEach(function (text) { bubble.appendChild(el("p", { text: text })); });
    if (payload.emergency_number) {
      bubble.appendChild(el("a", {
        className: "mw-call", href: "tel:" + payload.emergency_number.replace(/\s+/g, ""),
        text: STRINGS.call + " " + payload.emergency_number,
      }));
    }
    // The urgent advice stands alone; what follows it is set off by a visible line.
    if (payload.type === "red_flag") bubble.appendChild(el("hr", { className: "mw-divider" }));
    if (payload.evidence) bubble.appendChild(el("p", { className: "mw-evidence", text: payload.evidence }));
    if (payload.sources && payload.sources.length) bubble.appendChild(sourcesBlock(payload));
    var notice = disclaimersBlock(payload);
    if (notice) bubble.appendChild(notice);
    if (payload.type === "answer" && live) bubble.appendChild(feedback(payload));
    var replies = quickReplies(buttons, live);
    if (replies) bubble.appendChild(replies);
    log.appendChild(bubble);
    scrollDown();
  }

  // "Sources (5)": a marked control that expands to the first SOURCES_SHOWN links, the rest
  // behind "more"; a "Tell me more" reply lists them all.
  var SOURCES_SHOWN = 3;
  function sourcesBlock(payload) {
    var sources = payload.sources;
    var limit = payload.type === "more" ? sources.length : SOURCES_SHOWN;
    var list = el("ul");
    var hidden = [];
    sources.forEach(function (source, i) {
      var link = webLink(source.url)
        ? el("a", { href: source.url, target: "_blank", rel: "noopener", text: source.short })
        : el("span", { text: source.short });
      var item = el("li", {}, [link]);
      if (i >= limit) { item.hidden = true; hidden.push(item); }
      list.appendChild(item);
    });
    var label = STRINGS.sources + " (" + sources.length + ")";
    var block = el("details", { className: "mw-sources" }, [el("summary", { text: label }), list]);
    if (hidden.length) {
      var more = el("button", {
        type: "button", className: "mw-more-sources", text: STRINGS.moreSources + " (" + hidden.length + ")",
      });
      more.addEventListener("click", function () {
        hidden.forEach(function (item) { item.hidden = false; });
        more.remove();
        hidden[0].querySelector("a, span").focus();
      });
      block.appendChild(more);
    }
    return block;
  }

  // Both disclaimers on every guidance reply: in full once a session, then in their short wording.
  function disclaimersBlock(payload) {
    var compact = payload.disclaimer_style === "compact";
    var texts = (compact ? payload.disclaimer_compact : payload.disclaimer_texts) || [];
    if (!texts.length) return null;  // a crisis reply is about staying safe, not exercise
    return el("div", { className: "mw-disclaimers" }, [el("strong", { text: STRINGS.notice + ": " })]
      .concat(texts.map(function (t) { return el("p", { text: t }); })));
  }

  function textBubble(text, buttons, live) {
    var bubble = el("div", { className: "mw-msg mw-bot" }, [
      el("span", { className: "mw-sr", text: STRINGS.bot + ": " }), document.createTextNode(text),
    ]);
    var replies = quickReplies(buttons, live);
    if (replies) bubble.appendChild(replies);
    log.appendChild(bubble);
    scrollDown();
  }

  function retireOldReplies() {
    log.querySelectorAll(".mw-reply").forEach(function (b) { b.disabled = true; });
  }

  // Text arrives first and its structured payload just after; wait briefly so a reply is drawn
  // once, richly. Plain small talk (no payload) is drawn when the wait ends.
  function flushPending() {
    pendingTimer = null;
    pendingTexts.forEach(function (m) { textBubble(m.text, m.buttons, true); });
    pendingTexts = [];
  }

  function onBotMessage(message) {
    typing.hidden = true;
    if (message.custom) {
      var buttons = [];
      pendingTexts.forEach(function (m) { buttons = buttons.concat(m.buttons || []); });
      pendingTexts = [];
      if (pendingTimer) clearTimeout(pendingTimer);
      pendingTimer = null;
      retireOldReplies();
      botBubble(message.custom, buttons, true);
      return;
    }
    var replies = (message.quick_replies || []).map(function (q) { return { title: q.title, payload: q.payload }; });
    pendingTexts.push({ text: message.text || "", buttons: replies });
    if (pendingTimer) clearTimeout(pendingTimer);
    pendingTimer = setTimeout(flushPending, PENDING_MS);
  }

  // In the tracker a reply is one event holding text, buttons and payload: draw the payload.
  function renderHistory(messages) {
    messages.forEach(function (m) {
      if (m.from === "user") userBubble(m.text);
      else if (m.custom) botBubble(m.custom, m.buttons, false);
      else if (m.text) textBubble(m.text, m.buttons, false);
    });
  }

  // ---- the connection -----------------------------------------------------------------------
  function saveOutbox() { sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(outbox)); }

  function flushOutbox() {
    while (confirmed && socket && socket.connected && outbox.length) {
      var text = outbox.shift();
      socket.emit("user_uttered", { message: text, session_id: sessionId });
      saveOutbox();
    }
  }

  function say(text, shown) {
    if (shown) userBubble(shown);
    typing.hidden = false;
    outbox.push(text);
    saveOutbox();
    flushOutbox();
  }

  function connect() {
    socket = io(server, { transports: ["websocket", "polling"], reconnectionDelayMax: 3000 });
    socket.on("connect", function () {
      confirmed = false;
      socket.emit("session_request", { session_id: sessionId });
    });
    socket.on("session_confirm", function () {
      confirmed = true;
      status.hidden = true;
      status.textContent = "";
      flushOutbox();
    });
    socket.on("disconnect", function () {
      confirmed = false;
      status.hidden = false;
      status.textContent = STRINGS.reconnecting;
    });
    socket.on("bot_uttered", onBotMessage);
  }

  function start() {
    var fresh = !sessionId;
    if (fresh) {
      sessionId = newSessionId();
      sessionStorage.setItem(SESSION_KEY, sessionId);
    }
    var loaded = fresh
      ? Promise.resolve([])
      : fetch(base + "/api/history", { headers: { "X-Session-Secret": sessionId } }).then(function (r) { return r.ok ? r.json() : { messages: [] }; })
          .then(function (body) { return body.messages; }).catch(function () { return []; });
    return loaded.then(function (messages) {
      renderHistory(messages);
      if (!messages.length) say("/session_start", null);
      connect();
    });
  }

  // ---- controls -----------------------------------------------------------------------------
  var started = false;
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.hidden = true;
    if (!started) { started = true; start(); }
    input.focus();
  }
  function hide() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", open);
  close.addEventListener("click", hide);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) hide();
  });
  smaller.addEventListener("click", function () { size = Math.max(0.85, size - 0.15); applySize(); });
  larger.addEventListener("click", function () { size = Math.min(1.9, size + 0.15); applySize(); });
  human.addEventListener("click", function () { say("/ask_human", STRINGS.human); });
  end.addEventListener("click", endAndClear);
  restart.addEventListener("click", function () {
    sessionId = newSessionId();
    sessionStorage.setItem(SESSION_KEY, sessionId);
    outbox = [];
    saveOutbox();
    log.textContent = "";
    if (socket) { socket.emit("session_request", { session_id: sessionId }); }
    say("/session_start", null);
    input.focus();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    say(text, text);
  });

  // The socket.io client is pinned and served from this origin.
  var io = null;
  var loader = el("script", { src: base + "/vendor/socket.io.min.js" });
  loader.addEventListener("load", function () {
    io = window.io;
    launcher.disabled = false;
    root.dataset.ready = "true";
  });
  document.head.appendChild(loader);
})();
