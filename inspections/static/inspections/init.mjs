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

// A text box naming an inspection (there are hundreds, so never a list of all of them): as the
// person types, up to ten matching titles are offered through the box's <datalist>, which the
// browser shows as an accessible list. Without JavaScript the box takes the typed words.
for (const input of document.querySelectorAll("input[data-tracker-suggest]")) {
  const list = document.getElementById(input.dataset.trackerSuggest);
  const url = input.dataset.suggestUrl;
  let timer;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const words = input.value.trim();
    if (!list || !url || words.length < 2 || words === asked) {
      return;
    }
    timer = setTimeout(async () => {
      asked = words;
      const response = await fetch(`${url}?q=${encodeURIComponent(words)}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        return;
      }
      const { results } = await response.json();
      list.replaceChildren(
        ...results.map((found) => {
          const option = document.createElement("option");
          option.value = found.name;
          return option;
        }),
      );
    }, 150);
  });
}
