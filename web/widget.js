/*
 * DovvyBuddy chat widget: one file, no framework, no build step.
 *
 * Embed it with one script tag (options are data- attributes, see readOptions):
 *
 *   <script src="https://example.com/widget.js"
 *           data-server="https://rasa.example.com" defer></script>
 *
 * It talks to Rasa's REST channel: POST {server}/webhooks/rest/conversations
 * once for a conversation id ({"sender"}), kept in localStorage, then POST
 * {server}/webhooks/rest/webhook with {"sender", "message"} for each message
 * (the reply is a list of {text?, buttons?, image?}).
 * Its markup lives in a Shadow DOM, styled by widget.css (loaded from next
 * to this file), so the host page's CSS and the widget's cannot clash.
 *
 * Bot text is shown by building DOM nodes from a small, safe subset of
 * markdown; nothing the bot or the diver writes is ever parsed as HTML.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const STORAGE_PREFIX = "dovvybuddy.";
  // Rasa starts a new session after 24 h without messages (session_config in
  // domain.yml); the stored transcript expires with it, so the page never
  // shows a conversation the bot no longer remembers.
  const TRANSCRIPT_IDLE_MS = 24 * 60 * 60 * 1000;
  const MAX_TRANSCRIPT_ENTRIES = 200;
  const REQUEST_TIMEOUT_MS = 30000;
  const LINK_PROTOCOLS = ["http:", "https:", "mailto:"];
  const IMAGE_PROTOCOLS = ["http:", "https:"];
  const TEXT = {
    unreachable: "Couldn't reach DovvyBuddy.",
    rateLimited: "You're sending messages quickly — please wait a moment.",
    refused: "Sorry, DovvyBuddy couldn't accept that message.",
    starting: "DovvyBuddy is starting up, one moment…",
    retry: "Retry",
  };

  /** The options given as data- attributes on the script tag. */
  function readOptions(data) {
    const maxChars = Number.parseInt(data.maxChars, 10);
    return {
      // Rasa's address; empty means this page's own origin (a reverse proxy).
      server: (data.server || "").replace(/\/+$/, ""),
      title: data.title || "DovvyBuddy",
      subtitle: data.subtitle || "Your diving buddy",
      // Sent, not shown, when a conversation starts; data-greeting="" turns it off.
      greeting: data.greeting === undefined ? "/greet" : data.greeting,
      placeholder: data.placeholder || "Type your question…",
      launcherLabel: data.launcherLabel || "Ask DovvyBuddy",
      // Keep equal to DOVVY_MAX_MESSAGE_CHARS; the server refuses longer text.
      maxChars: maxChars > 0 ? maxChars : 2000,
      startOpen: data.open === "true",
    };
  }

  /** Web storage, or an in-memory stand-in when the browser refuses it. */
  function openStorage(name) {
    try {
      const storage = window[name];
      storage.setItem(`${STORAGE_PREFIX}probe`, "1");
      storage.removeItem(`${STORAGE_PREFIX}probe`);
      return storage;
    } catch {
      const memory = new Map();
      return {
        getItem: (key) => (memory.has(key) ? memory.get(key) : null),
        setItem: (key, value) => memory.set(key, String(value)),
        removeItem: (key) => memory.delete(key),
      };
    }
  }



  /** The absolute URL if it uses one of `protocols`, else null. */
  function safeUrl(href, protocols) {
    try {
      const url = new URL(href);
      return protocols.includes(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- Safe markdown: paragraphs, line breaks, lists, bold, italic, links ---

  const LIST_ITEM = /^\s*(?:([-*•])|(\d{1,3})[.)])\s+(.*)$/;
  // Markers must hug their text ("**a**", not "** a **"), so "5 * 3 * 2" stays as it is.
  const INLINE = new RegExp(
    [
      String.raw`\*\*([^*\s](?:[^*]*[^*\s])?)\*\*`, // **bold**
      String.raw`\*([^*\s](?:[^*]*[^*\s])?)\*`, // *italic*
      String.raw`\[([^\]\n]+)\]\(([^()\s]+)\)`, // [label](url)
    ].join("|"),
    "g",
  );

  /** Append `text` to `parent`, turning **bold**, *italic* and [links](url) into elements. */
  function appendInline(parent, text) {
    let done = 0;
    for (const match of text.matchAll(INLINE)) {
      const [whole, bold, italic, label, href] = match;
      parent.append(text.slice(done, match.index));
      if (bold !== undefined) {
        const strong = element("strong");
        appendInline(strong, bold);
        parent.append(strong);
      } else if (italic !== undefined) {
        const emphasis = element("em");
        appendInline(emphasis, italic);
        parent.append(emphasis);
      } else {
        parent.append(link(label, href));
      }
      done = match.index + whole.length;
    }
    parent.append(text.slice(done));
  }

  /** A link that opens safely in a new tab; just the label for any other scheme. */
  function link(label, href) {
    const url = safeUrl(href, LINK_PROTOCOLS);
    if (!url) return label;
    const anchor = element("a", null, label);
    anchor.href = url;
    if (!url.startsWith("mailto:")) anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    return anchor;
  }

  /** Block structure: lines become paragraphs (with <br>) or list items. */
  function renderMarkdown(text) {
    const fragment = document.createDocumentFragment();
    let paragraph = null;
    let list = null;
    for (const line of text.split(/\r?\n/)) {
      const item = LIST_ITEM.exec(line);
      if (item) {
        paragraph = null;
        const tag = item[1] ? "UL" : "OL";
        if (!list || list.tagName !== tag) {
          list = element(tag);
          if (item[2] && item[2] !== "1") list.start = Number(item[2]);
          fragment.append(list);
        }
        const listItem = element("li");
        appendInline(listItem, item[3]);
        list.append(listItem);
      } else if (!line.trim()) {
        paragraph = null;
        list = null;
      } else {
        list = null;
        if (paragraph) {
          paragraph.append(element("br"));
        } else {
          paragraph = element("p");
          fragment.append(paragraph);
        }
        appendInline(paragraph, line);
      }
    }
    return fragment;
  }

  // --- The transcript, kept in the tab's sessionStorage so a reload shows it ---
  // (Not localStorage: what divers type into lead forms, names and emails,
  // should not outlive the tab on a shared computer or be readable by the
  // host page's scripts for days. The sender id stays, so a new tab goes on.)

  function loadTranscript(storage) {
    try {
      const saved = JSON.parse(storage.getItem(`${STORAGE_PREFIX}transcript`));
      const fresh = saved && Date.now() - saved.updatedAt < TRANSCRIPT_IDLE_MS;
      if (fresh && Array.isArray(saved.entries)) {
        return saved.entries.map(storedEntry).filter(Boolean);
      }
    } catch {
      // A damaged transcript is dropped; the conversation itself lives in Rasa.
    }
    return [];
  }

  /** A transcript entry read back from storage, checked like a fresh reply. */
  function storedEntry(entry) {
    if (entry && entry.from === "user" && typeof entry.text === "string") {
      return { from: "user", text: entry.text };
    }
    const checked = entry && entry.from === "bot" ? botEntry(entry) : null;
    if (checked && checked.buttons) checked.buttonsUsed = Boolean(entry.buttonsUsed);
    return checked;
  }

  /** One transcript entry from one item of Rasa's reply, or null if nothing in it can be shown. */
  function botEntry(reply) {
    if (!reply || typeof reply !== "object") return null;
    const entry = { from: "bot" };
    if (typeof reply.text === "string" && reply.text.trim()) entry.text = reply.text;
    if (typeof reply.image === "string" && safeUrl(reply.image, IMAGE_PROTOCOLS)) {
      entry.image = reply.image;
    }
    if (Array.isArray(reply.buttons)) {
      const buttons = reply.buttons
        .filter((button) => typeof button?.title === "string" && typeof button.payload === "string")
        .map(({ title, payload }) => ({ title, payload }));
      if (buttons.length) entry.buttons = buttons;
    }
    return entry.text || entry.image || entry.buttons ? entry : null;
  }

  // --- Talking to Rasa ---

  /**
   * POST one message; never throws. The result's `status` is "ok" (with
   * `replies`), "rate_limited", "starting" (the server is not ready yet: with
   * `retryAfter` seconds), "unreachable" (network, timeout, 5xx: worth a
   * retry) or "refused" (4xx: with the server's `reason` when it gave one).
   */
  async function postMessage(server, sender, message) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(`${server}/webhooks/rest/webhook`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender, message }),
        credentials: "omit",
        signal: controller.signal,
      });
      if (response.ok) {
        const replies = await response.json();
        return { status: "ok", replies: Array.isArray(replies) ? replies : [] };
      }
      if (response.status === 429) return { status: "rate_limited" };
      if (response.status === 503) {
        // The body repeats Retry-After: a cross-origin page cannot read that header.
        const body = await response.json().catch(() => ({}));
        if (body && body.error === "starting_up") {
          const seconds = Number(body.retry_after);
          return { status: "starting", retryAfter: seconds > 0 ? Math.min(seconds, 30) : 3 };
        }
      }
      if (response.status >= 500) return { status: "unreachable" };
      const { error, detail } = await refusalReason(response);
      return { status: "refused", error, reason: detail };
    } catch {
      return { status: "unreachable" };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A new conversation id from the server (POST /webhooks/rest/conversations),
   * or null when it cannot be had now. The server issues the ids so that
   * nobody can choose, and so join, someone else's conversation.
   */
  async function requestConversationId(server) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(`${server}/webhooks/rest/conversations`, {
        method: "POST",
        credentials: "omit",
        signal: controller.signal,
      });
      if (!response.ok) return null;
      const body = await response.json();
      return typeof body.sender === "string" ? body.sender : null;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The `error` and `detail` of the channel's JSON error ({"error", "detail"}), if any. */
  async function refusalReason(response) {
    try {
      const body = await response.json();
      return {
        error: typeof body.error === "string" ? body.error : null,
        detail: typeof body.detail === "string" && body.detail.trim() ? body.detail : null,
      };
    } catch {
      return { error: null, detail: null };
    }
  }

  // --- The widget ---

  /** The widget's elements, in a Shadow DOM attached to a new <dovvy-buddy> element. */
  function buildView(options) {
    const host = document.createElement("dovvy-buddy");
    const shadow = host.attachShadow({ mode: "open" });
    const stylesheet = element("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = new URL("widget.css", script.src).href;
    const root = element("div", "root");
    // Hidden until styled, so the page never flashes unstyled widget markup.
    root.hidden = true;
    stylesheet.addEventListener("load", () => (root.hidden = false));
    stylesheet.addEventListener("error", () => (root.hidden = false));

    const launcher = element("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "dovvy-panel");
    launcher.append(chatIcon(), element("span", null, options.launcherLabel));

    const panel = element("section", "panel");
    panel.id = "dovvy-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "dovvy-title");

    // A div, not <header>: inside the dialog it would be a second banner landmark.
    const header = element("div", "header");
    const heading = element("div", "heading");
    const title = element("h2", "title", options.title);
    title.id = "dovvy-title";
    heading.append(title, element("p", "subtitle", options.subtitle));
    const newChatButton = element("button", "header-button", "New chat");
    newChatButton.type = "button";
    const closeButton = element("button", "header-button close", "×");
    closeButton.type = "button";
    closeButton.setAttribute("aria-label", "Close chat");
    header.append(heading, newChatButton, closeButton);

    const log = element("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0; // a scrollable region must be reachable by keyboard

    const typing = element("div", "typing");
    typing.setAttribute("role", "status");
    typing.hidden = true;
    const dots = element("span", "dots");
    dots.setAttribute("aria-hidden", "true");
    dots.append(element("span"), element("span"), element("span"));
    typing.append(dots, element("span", "visually-hidden", `${options.title} is typing…`));

    const composer = element("form", "composer");
    const inputLabel = element("label", "visually-hidden", `Message ${options.title}`);
    inputLabel.htmlFor = "dovvy-input";
    const input = element("textarea", "input");
    input.id = "dovvy-input";
    input.rows = 1;
    input.maxLength = options.maxChars;
    input.placeholder = options.placeholder;
    input.setAttribute("aria-describedby", "dovvy-counter");
    const sendButton = element("button", "send");
    sendButton.type = "submit";
    sendButton.setAttribute("aria-label", "Send");
    sendButton.append(sendIcon());
    const counter = element("div", "counter");
    counter.id = "dovvy-counter";
    counter.hidden = true;
    composer.append(inputLabel, input, sendButton, counter);

    const footnote = element(
      "p",
      "footnote",
      "General information, not instruction: for your own health or dive plan, ask a professional.",
    );
    panel.append(header, log, typing, composer, footnote);
    root.append(launcher, panel);
    shadow.append(stylesheet, root);
    return {
      host, root, launcher, panel, newChatButton, closeButton,
      log, typing, composer, input, sendButton, counter,
    };
  }

  function createWidget(options) {
    const storage = openStorage("localStorage");
    const tabStorage = openStorage("sessionStorage");
    // Issued by the server on the first message (conversationId below).
    let sender = storage.getItem(`${STORAGE_PREFIX}sender`);
    let entries = loadTranscript(tabStorage);
    // The request in flight, and the last one that failed (what Retry sends).
    let inFlight = null;
    let failed = null;

    const view = buildView(options);
    const { root, launcher, panel, log, typing, input, sendButton, counter } = view;
    document.body.append(view.host);

    function saveTranscript() {
      entries = entries.slice(-MAX_TRANSCRIPT_ENTRIES);
      try {
        const saved = { updatedAt: Date.now(), entries };
        tabStorage.setItem(`${STORAGE_PREFIX}transcript`, JSON.stringify(saved));
      } catch {
        // Storage full: the conversation goes on, only a reload would lose it.
      }
    }

    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    /**
     * Show a new answer from its start, with the diver's question above it:
     * a long answer is read from the top, not from its last line. (The
     * browser stops at the end when the answer is short.)
     */
    function scrollToAnswer(firstReply) {
      const previous = firstReply.previousElementSibling;
      const anchor = previous && previous.classList.contains("message-user") ? previous : firstReply;
      // offsetTop counts from the log's top, as the log is position: relative.
      log.scrollTop = anchor.offsetTop - 12;
    }

    function renderEntry(entry) {
      const item = element("div", `message message-${entry.from}`);
      const speaker = entry.from === "user" ? "You" : options.title;
      item.append(element("span", "visually-hidden", `${speaker}: `));
      if (entry.from === "user") {
        item.append(entry.text); // shown exactly as typed (white-space: pre-wrap)
      } else if (entry.text) {
        item.append(renderMarkdown(entry.text));
      }
      if (entry.image) {
        const image = element("img");
        image.src = entry.image;
        image.alt = `Picture from ${options.title}`;
        image.loading = "lazy";
        image.referrerPolicy = "no-referrer";
        item.append(image);
      }
      if (!entry.buttons) return item;
      // Quick replies follow the message, as their own group.
      const group = element("div", "quick-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      for (const button of entry.buttons) {
        const choice = element("button", "quick-reply", button.title);
        choice.type = "button";
        choice.disabled = Boolean(entry.buttonsUsed);
        choice.addEventListener("click", (event) => {
          sendUserMessage(button.payload, button.title, false);
          keepKeyboardFocus(event);
        });
        group.append(choice);
      }
      const wrapper = document.createDocumentFragment();
      wrapper.append(item, group);
      return wrapper;
    }

    function addEntry(entry) {
      entries.push(entry);
      saveTranscript();
      log.append(renderEntry(entry));
      scrollToEnd();
    }

    function renderTranscript() {
      log.replaceChildren(...entries.map(renderEntry));
      scrollToEnd();
    }

    /** Offered quick replies answer one turn only: once the diver says anything, they go. */
    function retireQuickReplies() {
      for (const entry of entries) if (entry.buttons) entry.buttonsUsed = true;
      for (const button of log.querySelectorAll(".quick-reply")) button.disabled = true;
    }

    function showNotice(text, canRetry) {
      clearNotice();
      const notice = element("div", "notice");
      notice.append(element("p", null, text));
      if (canRetry) {
        const retry = element("button", "notice-button", TEXT.retry);
        retry.type = "button";
        retry.addEventListener("click", (event) => {
          const request = failed;
          clearNotice();
          keepKeyboardFocus(event);
          if (request) deliver(request);
        });
        notice.append(retry);
      }
      log.append(notice);
      scrollToEnd();
    }

    /**
     * A clicked quick reply is disabled and a clicked Retry removed, which
     * would drop keyboard focus on the page: move it to the input instead.
     * Not after a tap (detail > 0), where it would pop up a phone's keyboard.
     */
    function keepKeyboardFocus(event) {
      if (event.detail === 0) input.focus();
    }

    function clearNotice() {
      for (const notice of log.querySelectorAll(".notice")) notice.remove();
    }

    function setBusy(busy) {
      typing.hidden = !busy;
      sendButton.disabled = busy;
      if (busy) scrollToEnd();
    }

    /** This conversation's id, asked from the server the first time; null if it cannot be had. */
    async function conversationId() {
      if (!sender) {
        sender = await requestConversationId(options.server);
        if (sender) storage.setItem(`${STORAGE_PREFIX}sender`, sender);
      }
      return sender;
    }

    /** POST the message in this conversation, with a new id if the server no longer knows ours. */
    async function postInConversation(message) {
      const id = await conversationId();
      if (!id) return { status: "unreachable" };
      const result = await postMessage(options.server, id, message);
      if (result.status !== "refused" || result.error !== "unknown_conversation") return result;
      // An id from before the server issued them, or from another deployment.
      sender = null;
      storage.removeItem(`${STORAGE_PREFIX}sender`);
      const fresh = await conversationId();
      return fresh ? postMessage(options.server, fresh, message) : { status: "unreachable" };
    }

    /** Send a request ({message, userEntry?, editable}) and show what comes back. */
    async function deliver(request) {
      inFlight = request;
      failed = null;
      setBusy(true);
      const result = await postInConversation(request.message);
      if (inFlight !== request) return; // "New chat" was pressed meanwhile
      inFlight = null;
      setBusy(false);
      if (result.status === "ok") {
        const shown = log.children.length;
        for (const reply of result.replies) {
          const entry = botEntry(reply);
          if (entry) addEntry(entry);
        }
        if (log.children[shown]) scrollToAnswer(log.children[shown]);
        return;
      }
      if (result.status === "refused") {
        // The server did not take the message: take it back so it can be edited.
        if (request.userEntry) {
          entries = entries.filter((entry) => entry !== request.userEntry);
          saveTranscript();
          renderTranscript();
        }
        if (request.editable && !input.value) {
          input.value = request.message;
          updateComposer();
        }
        showNotice(result.reason || TEXT.refused, false);
        return;
      }
      failed = request;
      if (result.status === "starting") {
        // Not an error: the message is sent again by itself when the server is up.
        showNotice(TEXT.starting, false);
        setTimeout(() => {
          if (failed === request && !inFlight) {
            clearNotice();
            deliver(request);
          }
        }, result.retryAfter * 1000);
        return;
      }
      showNotice(result.status === "rate_limited" ? TEXT.rateLimited : TEXT.unreachable, true);
    }

    function sendUserMessage(message, shownAs, editable) {
      if (inFlight) return;
      clearNotice();
      retireQuickReplies();
      const userEntry = { from: "user", text: shownAs };
      addEntry(userEntry);
      deliver({ message, userEntry, editable });
    }

    function greetIfNew() {
      if (options.greeting && entries.length === 0 && !inFlight && !failed) {
        deliver({ message: options.greeting, editable: false });
      }
    }

    function startNewChat() {
      // Rasa forgets the old conversation (a lead form may have put personal
      // details in it); its "fresh start" reply is not shown.
      if (sender) postMessage(options.server, sender, "/restart");
      sender = null;
      storage.removeItem(`${STORAGE_PREFIX}sender`);
      entries = [];
      saveTranscript();
      inFlight = null;
      failed = null;
      setBusy(false);
      renderTranscript();
      greetIfNew();
      input.focus();
    }

    function updateComposer() {
      const length = input.value.length;
      // Shown from 90% of the limit, so it is there before typing stops working.
      counter.hidden = length < options.maxChars * 0.9;
      counter.textContent = `${length} / ${options.maxChars} characters`;
      counter.classList.toggle("at-limit", length >= options.maxChars);
      // Grow with the text (up to the CSS max-height) instead of scrolling a single line.
      input.style.height = "auto";
      input.style.height = `${input.scrollHeight + input.offsetHeight - input.clientHeight}px`;
    }

    function submitTypedMessage() {
      const text = input.value.trim();
      if (!text || inFlight) return;
      input.value = "";
      updateComposer();
      sendUserMessage(text, text, true);
    }

    function open({ focus }) {
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      tabStorage.setItem(`${STORAGE_PREFIX}open`, "1");
      scrollToEnd();
      if (focus) input.focus();
      greetIfNew();
    }

    function close() {
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      tabStorage.removeItem(`${STORAGE_PREFIX}open`);
      launcher.focus();
    }

    launcher.addEventListener("click", () => (panel.hidden ? open({ focus: true }) : close()));
    view.closeButton.addEventListener("click", close);
    view.newChatButton.addEventListener("click", startNewChat);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter starts a new line; never while an input
      // method (e.g. Japanese) is composing a word.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitTypedMessage();
      }
    });
    input.addEventListener("input", updateComposer);
    view.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      submitTypedMessage();
      input.focus();
    });
    // Any element of the host page with data-dovvy-open opens the chat.
    document.addEventListener("click", (event) => {
      if (event.target instanceof Element && event.target.closest("[data-dovvy-open]")) {
        open({ focus: true });
      }
    });

    renderTranscript();
    // A reload, or the next page of the same site in this tab, keeps the chat open.
    if (options.startOpen || tabStorage.getItem(`${STORAGE_PREFIX}open`)) open({ focus: false });
  }

  function svgIcon(pathData) {
    const namespace = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(namespace, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(namespace, "path");
    path.setAttribute("d", pathData);
    svg.append(path);
    return svg;
  }

  function chatIcon() {
    return svgIcon(
      "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    );
  }

  function sendIcon() {
    return svgIcon("M3 20.5 21.5 12 3 3.5l.01 6.6L15 12 3.01 13.9z");
  }

  const options = readOptions(script.dataset);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => createWidget(options));
  } else {
    createWidget(options);
  }
})();
