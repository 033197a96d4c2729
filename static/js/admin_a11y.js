/* Django's autocomplete widgets (select2 4.0.13) leave their combobox and their search box
   (and the box showing the choice) without a name, and put their "remove all" cross in their
   list of choices as a bare <span> (axe-core: aria-input-field-name, label, list). Whenever
   select2 renders a widget, name them after the field's label and make the cross an item of the
   list. */
"use strict";
{
  const fix = (widget) => {
    const select = widget.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) {
      return; // an open dropdown, not a widget
    }
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (!label) {
      return;
    }
    label.id = label.id || `${select.id}-label`;
    const combobox = widget.querySelector('.select2-selection[role="combobox"]');
    if (combobox) {
      const shown = combobox.querySelector(".select2-selection__rendered[id]");
      const names = shown ? `${label.id} ${shown.id}` : label.id;
      if (combobox.getAttribute("aria-labelledby") !== names) {
        combobox.setAttribute("aria-labelledby", names);
      }
      if (shown && shown.getAttribute("role") === "textbox") {
        shown.setAttribute("aria-labelledby", label.id); // the choice shown, a read-only box
      }
    }
    const search = widget.querySelector(".select2-search__field");
    if (search && !search.hasAttribute("aria-label")) {
      search.setAttribute("aria-label", label.textContent.trim().replace(/:$/, ""));
    }
    for (const cross of widget.querySelectorAll("ul > .select2-selection__clear")) {
      cross.setAttribute("role", "listitem");
    }
  };
  const fixAll = () => document.querySelectorAll("span.select2-container").forEach(fix);
  new MutationObserver(fixAll).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", fixAll);
}
