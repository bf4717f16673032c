/* Lyceum list widget: the textarea (one value per line) the form submits, shown as removable items and
   an "add" box. Without this script the textarea itself is the widget. */
(function () {
  "use strict";

  function values(textarea) {
    return textarea.value.split(/[\r\n,]+/).map(function (v) { return v.trim(); }).filter(Boolean);
  }

  function enhance(box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    var textarea = box.querySelector("textarea");
    box.classList.remove("lyceum-no-js");
    var list = document.createElement("ul");
    list.className = "lyceum-list-items";
    var add = document.createElement("div");
    add.className = "lyceum-list-add";
    var input = document.createElement("input");
    input.type = "text";
    input.placeholder = box.dataset.placeholder || "Add a value";
    input.id = textarea.id ? textarea.id + "_add" : "";
    input.setAttribute("aria-label", input.placeholder);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    // The labels come translated from the template (data-add-label, data-remove-label).
    button.textContent = box.dataset.addLabel || "Add";
    add.appendChild(input);
    add.appendChild(button);
    box.insertBefore(add, textarea);
    box.insertBefore(list, add);

    function render() {
      list.replaceChildren();
      values(textarea).forEach(function (value, index, all) {
        var item = document.createElement("li");
        item.appendChild(document.createTextNode(value));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.title = (box.dataset.removeLabel || "Remove") + " " + value;
        remove.setAttribute("aria-label", remove.title);
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          all.splice(index, 1);
          textarea.value = all.join("\n");
          render();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
    }

    function addValue() {
      var current = values(textarea);
      input.value.split(/[\r\n,]+/).map(function (v) { return v.trim(); }).filter(Boolean).forEach(function (v) {
        if (current.indexOf(v) === -1) { current.push(v); }
      });
      textarea.value = current.join("\n");
      input.value = "";
      render();
    }

    button.addEventListener("click", addValue);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); addValue(); }
    });
    // A value typed but not added is still saved.
    textarea.form && textarea.form.addEventListener("submit", function () { if (input.value.trim()) { addValue(); } });
    render();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll(".lyceum-list-widget").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("formset:added", function (event) { enhanceAll(event.target); });
})();
