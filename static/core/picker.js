/* The type-ahead picker (core/widgets.py): htmx fetches the matches into the listbox; this file
   turns a picked match into a chip (a ticked checkbox carrying the field's name and the pk),
   removes a chip when it is unticked, and moves between the search box and the matches with
   the keyboard. No inline script anywhere (CSP), so it listens on the document. */
(function () {
  "use strict";

  function pickerOf(el) { return el.closest("[data-picker]"); }
  function searchOf(picker) { return picker.querySelector(".picker-search"); }
  function listOf(picker) { return picker.querySelector(".picker-options"); }
  function chipsOf(picker) { return picker.querySelector(".picker-chips"); }
  function options(picker) { return Array.from(listOf(picker).querySelectorAll(".picker-option")); }

  function chosenValues(picker) {
    return Array.from(chipsOf(picker).querySelectorAll("input[type=checkbox]:checked")).map(function (box) {
      return box.value;
    });
  }

  function markChosen(picker) {
    var chosen = chosenValues(picker);
    options(picker).forEach(function (option) {
      option.setAttribute("aria-selected", chosen.indexOf(option.dataset.value) >= 0 ? "true" : "false");
    });
  }

  function open(picker) {
    var list = listOf(picker);
    list.hidden = list.children.length === 0;
    searchOf(picker).setAttribute("aria-expanded", list.hidden ? "false" : "true");
    markChosen(picker);
  }

  function close(picker) {
    listOf(picker).hidden = true;
    searchOf(picker).setAttribute("aria-expanded", "false");
  }

  function addChip(picker, value, label) {
    var chips = chipsOf(picker);
    var existing = chips.querySelector("input[value='" + CSS.escape(value) + "']");
    if (existing) { existing.checked = true; return; }
    if (!picker.hasAttribute("data-multiple")) { chips.replaceChildren(); }
    var item = document.createElement("li");
    item.className = "picker-chip";
    var wrap = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = picker.dataset.name;
    box.value = value;
    box.checked = true;
    wrap.append(box, " " + label);
    item.append(wrap);
    chips.append(item);
  }

  function choose(option) {
    if (option.getAttribute("aria-disabled") === "true") { return; }
    var picker = pickerOf(option);
    addChip(picker, option.dataset.value, option.dataset.label);
    if (picker.hasAttribute("data-multiple")) {
      markChosen(picker);
    } else {
      var search = searchOf(picker);
      search.value = "";
      close(picker);
      search.focus();
    }
  }

  function move(picker, from, step) {
    var all = options(picker);
    var next = all[all.indexOf(from) + step];
    if (next) { next.focus(); } else if (step < 0) { searchOf(picker).focus(); }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.classList.contains("picker-options")) { open(pickerOf(target)); }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".picker-option");
    if (option) { choose(option); return; }
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (!picker.contains(event.target)) { close(picker); }
    });
  });

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    var picker = el.closest && pickerOf(el);
    if (!picker) { return; }
    if (el.classList.contains("picker-search")) {
      if (event.key === "ArrowDown" && !listOf(picker).hidden) {
        event.preventDefault();
        var first = options(picker)[0];
        if (first) { first.focus(); }
      } else if (event.key === "Escape") {
        close(picker);
      } else if (event.key === "Enter") {
        // Enter in the search box picks the only match, and never submits the form half-done.
        event.preventDefault();
        var matches = options(picker);
        if (matches.length === 1) { choose(matches[0]); }
      }
    } else if (el.classList.contains("picker-option")) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(el);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        move(picker, el, event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Escape") {
        close(picker);
        searchOf(picker).focus();
      }
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.closest(".picker-chips") || box.checked) { return; }
    var picker = pickerOf(box);
    box.closest(".picker-chip").remove();
    markChosen(picker);
    searchOf(picker).focus();
  });
})();
