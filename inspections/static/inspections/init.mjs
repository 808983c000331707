import { initAll } from "../build/govuk-frontend.min.js";

initAll();

// Radios that reveal a follow-up question. GOV.UK Frontend's own module marks each radio
// aria-expanded, which is not an allowed attribute on a radio (axe: aria-allowed-attr), so the
// service reveals with aria-controls alone. Without JavaScript every question is shown.
for (const group of document.querySelectorAll("[data-tracker-reveals]")) {
  const inputs = group.querySelectorAll("input[type=radio]");
  const sync = () => {
    for (const input of inputs) {
      const target = input.dataset.reveals && document.getElementById(input.dataset.reveals);
      if (target) {
        input.setAttribute("aria-controls", target.id);
        target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
      }
    }
  };
  for (const input of inputs) {
    input.addEventListener("change", sync);
  }
  sync();
}
