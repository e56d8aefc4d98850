// Codes, severities, evidence levels and modes as the engine defines them (GET /api/v1/vocabulary), fetched
// once before any view renders, so the page never re-types them. Without it, raw codes are shown.

import { getJSON } from "./api.js";

let vocabulary = { codes: [], severities: [], levels: [], level_labels: {}, level_details: {}, severity_labels: {},
                   severity_details: {}, modes: [] };
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

// What each level and severity means to a reader, in one line, and how each severity is named; unknown ones get
// no line rather than a guess.
export const levelDetail = (level) => (vocabulary.level_details || {})[level] || "";
export const severityLabel = (severity) => (vocabulary.severity_labels || {})[severity] || severity;
export const severityDetail = (severity) => (vocabulary.severity_details || {})[severity] || "";
// Every caveat code in the engine's order, each with its label, severity, meaning, example cues and scope.
export const codeList = vocabulary.codes;
// The running server's request limits (RAG_MAX_*); the defaults only stand in when the vocabulary could not load.
// The file types this server reads (RAG_EXTENSIONS); the defaults only stand in when the vocabulary could not load.
export const formats = vocabulary.formats && vocabulary.formats.length ? vocabulary.formats
  : [".txt", ".md", ".html", ".htm", ".pdf", ".docx"];
export const limits = { max_question_chars: 2000, max_top_k: 50, max_history_turns: 20, max_annotate_chars: 200000,
                        ...(vocabulary.limits || {}) };
