// Small progressive enhancements; every page works without this script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Show only the fieldsets that apply to the chosen kind of member (institution/agency).
  const kind = document.querySelector("select#kind");
  const groups = document.querySelectorAll("fieldset[data-kind]");
  if (kind && groups.length) {
    const sync = () => {
      for (const group of groups) {
        group.hidden = group.dataset.kind !== kind.value;
      }
    };
    kind.addEventListener("change", sync);
    sync();
  }

  // After a failed submit, take keyboard and screen-reader focus to the error summary.
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
