// Staff pages: focus the error summary, and add or remove rows of repeated fieldsets
// (guardians, objectives, reviews). Without JavaScript the forms still work: the server sends a
// few empty rows and ignores the ones left blank.
(function () {
  "use strict";

  function focusOnLoad() {
    var target = document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
  }

  function fields(row) {
    return row.querySelectorAll("input:not([type=checkbox]):not([type=hidden]), textarea, select");
  }

  function isBlank(row) {
    if (row.querySelector(".fr-input-group--error, .fr-select-group--error, .fr-fieldset--error")) {
      return false;
    }
    return Array.prototype.every.call(fields(row), function (input) {
      // A choice left at its default (« par lien ») is blank, as a check box left as it was.
      return !input.value.trim() || input.value === input.getAttribute("data-default");
    });
  }

  function clear(row) {
    Array.prototype.forEach.call(fields(row), function (input) {
      input.value = input.getAttribute("data-default") || "";
    });
    row.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = box.defaultChecked;
    });
  }

  function renumber(row, base, from, to) {
    var pattern = new RegExp("(^|\\s)((?:champ-)?" + base + "-)" + from + "(?=-|$|\\s)", "g");
    var attributes = ["name", "id", "for", "aria-describedby", "aria-labelledby"];
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (el) {
      attributes.forEach(function (name) {
        var value = el.getAttribute(name);
        if (value) {
          el.setAttribute(name, value.replace(pattern, "$1$2" + to));
        }
      });
    });
    row.setAttribute("data-row", String(to));
    var legend = row.querySelector("legend, label");
    if (legend && legend.firstChild && legend.firstChild.nodeType === 3) {
      legend.firstChild.nodeValue = legend.firstChild.nodeValue.replace(/\d+(\s*)$/, (to + 1) + "$1");
    }
  }

  function setUpRepeat(group) {
    var base = group.getAttribute("data-repeat");
    var max = parseInt(group.getAttribute("data-max") || "0", 10);
    var itemLabel = group.getAttribute("data-item-label") || "élément";
    var messages = group.querySelector(":scope > .fr-messages-group");

    function rows() {
      return Array.prototype.slice.call(group.querySelectorAll(":scope > .cosigne-row"));
    }

    var addButton = document.createElement("button");
    addButton.type = "button";
    addButton.className = "fr-btn fr-btn--secondary fr-btn--sm fr-mt-1w";
    addButton.textContent = "Ajouter : " + itemLabel.toLowerCase();
    var addWrapper = document.createElement("div");
    addWrapper.className = "fr-fieldset__element";
    addWrapper.appendChild(addButton);
    group.insertBefore(addWrapper, messages);

    function refresh() {
      var all = rows();
      var visible = all.filter(function (row) { return !row.hidden; });
      var canAdd = all.some(function (row) { return row.hidden; }) || !max || all.length < max;
      addWrapper.hidden = !canAdd;
      visible.forEach(function (row) {
        var remove = row.querySelector(":scope > .cosigne-row__remove");
        if (remove) {
          remove.hidden = visible.length <= 1 && isBlank(row);
        }
      });
    }

    function addRemoveButton(row) {
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "fr-btn fr-btn--tertiary fr-btn--sm cosigne-row__remove";
      var legend = row.querySelector("legend, label");
      var name = legend ? legend.textContent.replace(/\s+/g, " ").trim() : itemLabel;
      remove.textContent = "Retirer";
      remove.setAttribute("aria-label", "Retirer : " + name);
      remove.addEventListener("click", function () {
        clear(row);
        row.hidden = true;
        refresh();
        addButton.focus();
      });
      row.appendChild(remove);
    }

    var all = rows();
    var keep = all.filter(function (row) { return !isBlank(row); });
    if (!keep.length && all.length) {
      keep = [all[0]];
    }
    all.forEach(function (row) {
      row.hidden = keep.indexOf(row) < 0;
      addRemoveButton(row);
    });

    addButton.addEventListener("click", function () {
      var hidden = rows().filter(function (row) { return row.hidden; });
      var row = hidden[0];
      if (!row) {
        var last = rows()[rows().length - 1];
        var from = parseInt(last.getAttribute("data-row"), 10);
        row = last.cloneNode(true);
        row.querySelectorAll(".fr-message").forEach(function (m) { m.remove(); });
        row.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
        renumber(row, base, from, from + 1);
        clear(row);
        var oldRemove = row.querySelector(":scope > .cosigne-row__remove");
        if (oldRemove) {
          oldRemove.remove();
        }
        addRemoveButton(row);
        group.insertBefore(row, addWrapper);
      }
      row.hidden = false;
      refresh();
      var first = fields(row)[0];
      if (first) {
        first.focus();
      }
    });
    refresh();
  }

  focusOnLoad();
  document.querySelectorAll("[data-repeat]").forEach(setUpRepeat);
})();
