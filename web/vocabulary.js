// Codes, severities, evidence levels and modes as the engine defines them (GET /api/v1/vocabulary), fetched
// once before any view renders, so the page never re-types them. Without it, raw codes are shown.

import { getJSON } from "./api.js";

let vocabulary = { codes: [], severities: [], levels: [], level_labels: {}, modes: [] };
try {
  vocabulary = await getJSON("/api/v1/vocabulary");
} catch {
  // The page still works; labels fall back to the codes themselves.
}

export const codes = Object.fromEntries(vocabulary.codes.map((c) => [c.code, c]));
export const severities = vocabulary.severities;
export const levels = vocabulary.levels;
// Levels run strongest first and end with the one meaning "no evidence stated".
export const NO_LEVEL = levels.length ? levels[levels.length - 1] : "none_stated";
export const levelLabel = (level) => vocabulary.level_labels[level] || level;

// What each level means to a reader, in one line. The vocabulary does not carry these yet (GET /api/v1/vocabulary
// may add `level_details`, which then wins); unknown levels get no line rather than a guess.
const LEVEL_DETAILS = {
  systematic_review: "A review that pools many studies: the strongest kind of evidence.",
  randomized_trial: "People were given the treatment or a comparison by chance, so a difference is likely caused by the treatment.",
  observational: "People were followed or compared without assigning the treatment: it shows links, not cause.",
  small_or_early_trial: "A small, short or early-phase study in people: results often change in larger trials.",
  preclinical: "Lab, cell or animal work only: results often do not carry over to people.",
  anecdote_or_opinion: "Personal reports, surveys or opinion: they cannot show that the treatment caused a change.",
  none_stated: "The cited text names no study behind what it says.",
};
export const levelDetail = (level) => (vocabulary.level_details || {})[level] || LEVEL_DETAILS[level] || "";
