// The query builder: a condition's value box offers the code list of the field chosen
// beside it (a <datalist> per coded field, searchable as one types). Without this
// script the box still takes a code or a label, which the server reads as its code.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input[data-field-select]")) {
    const select = document.getElementById(box.dataset.fieldSelect);
    if (!select) {
      continue;
    }
    const sync = () => {
      const list = document.getElementById("codes-" + select.value);
      if (list) {
        box.setAttribute("list", list.id);
      } else {
        box.removeAttribute("list");
      }
    };
    select.addEventListener("change", sync);
    sync();
  }
});
