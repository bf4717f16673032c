/* Lyceum rich-text editor: a contenteditable area over the HTML textarea the form submits.
   The server sanitizes whatever is submitted (course_metadata.html.sanitize_html); this script keeps
   the editor itself safe too: HTML typed in the source view is parsed in an inert document and only
   the allowed tags and attributes are copied into the page. */
(function () {
  "use strict";
  var ALLOWED = {P: [], BR: [], STRONG: [], B: [], EM: [], I: [], U: [], UL: [], OL: [], LI: [], A: ["href", "title"],
    H2: [], H3: [], H4: [], BLOCKQUOTE: [], CODE: [], PRE: []};
  var SAFE_URL = /^(https?:|mailto:|\/|#)/i;

  function cleanInto(target, source) {
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        var allowed = ALLOWED[node.tagName];
        if (node.tagName === "SCRIPT" || node.tagName === "STYLE") { return; }
        if (!allowed) { cleanInto(target, node); return; }
        var copy = document.createElement(node.tagName);
        allowed.forEach(function (name) {
          var value = node.getAttribute(name);
          if (value !== null && (name !== "href" || SAFE_URL.test(value.trim()))) { copy.setAttribute(name, value); }
        });
        cleanInto(copy, node);
        target.appendChild(copy);
      }
    });
  }

  function setHtml(editor, html) {
    var inert = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    editor.replaceChildren();
    cleanInto(editor, inert.body);
  }

  function enhance(box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var textarea = box.querySelector("textarea");
    var editor = box.querySelector(".lyceum-richtext-editor");
    var toolbar = box.querySelector(".lyceum-richtext-toolbar");
    editor.hidden = false;
    toolbar.hidden = false;
    var sync = function () { textarea.value = editor.innerHTML; };
    editor.addEventListener("input", sync);
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var command = button.dataset.command;
      if (command === "source") {
        if (box.classList.toggle("lyceum-source")) { sync(); textarea.focus(); }
        else { setHtml(editor, textarea.value); sync(); editor.focus(); }
        return;
      }
      if (box.classList.contains("lyceum-source")) { return; }
      editor.focus();
      var value = button.dataset.value || null;
      if (command === "createLink") {
        value = window.prompt("Link address (https://...)", "https://");
        if (!value || !SAFE_URL.test(value.trim())) { return; }
      }
      document.execCommand(command, false, value);
      sync();
    });
    textarea.form && textarea.form.addEventListener("submit", function () {
      if (!box.classList.contains("lyceum-source")) { sync(); }
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll(".lyceum-richtext").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("formset:added", function (event) { enhanceAll(event.target); });
})();
