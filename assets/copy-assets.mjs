// Copies GOV.UK Frontend's JavaScript next to the compiled CSS. Only the script: the fonts and
// images (GDS Transport, the crown and crest) are GOV.UK's and not for this service.
import { copyFileSync, mkdirSync } from "node:fs";

const source = "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js";
const target = "inspections/static/build/govuk-frontend.min.js";
mkdirSync("inspections/static/build", { recursive: true });
copyFileSync(source, target);
console.log(`copied ${source} -> ${target}`);
