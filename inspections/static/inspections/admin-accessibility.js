/* The admin's autocomplete widgets (select2) build a combobox whose only name is the text of the
   current choice, which is empty until something is chosen (axe: aria-input-field-name). Name each
   combobox after the field's own <label>. */
(function () {
  "use strict";

  function nameCombobox(selection) {
    const container = selection.closest(".select2-container");
    const select = container && container.previousElementSibling;
    if (!select || !select.id) {
      return;
    }
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return;
    }
    if (!label.id) {
      label.id = select.id + "_label";
    }
    const name = label.textContent.replace(/:\s*$/, "").trim();
    selection.setAttribute("aria-labelledby", label.id);
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      field.setAttribute("aria-label", name);
    });
    const rendered = selection.querySelector(".select2-selection__rendered");
    if (rendered) {
      rendered.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      rendered.setAttribute("aria-label", name);
    }
  }

  function nameAll(root) {
    root.querySelectorAll(".select2-selection").forEach(nameCombobox);
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll(document);
    // select2 also builds widgets later (inline rows added, a choice made): keep naming them.
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            nameAll(node.parentElement || node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
