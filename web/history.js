// The conversation kept on this device, only with the person's consent: these are health questions. Nothing is
// stored until the box is ticked; unticking it or "Clear history" deletes what was stored.

const CONSENT = "evidence-qa.keep-history";
const TURNS = "evidence-qa.history";
const MAX_TURNS = 20;

const storage = () => { try { return window.localStorage; } catch { return null; } };

export const consented = () => storage()?.getItem(CONSENT) === "yes";

export function setConsent(on) {
  const store = storage();
  if (!store) return false;
  if (on) store.setItem(CONSENT, "yes");
  else { store.removeItem(CONSENT); store.removeItem(TURNS); }
  return true;
}

// Each turn: the question and the response it was rendered from (what the page needs to draw it again offline).
export function loadTurns() {
  if (!consented()) return [];
  try {
    const turns = JSON.parse(storage().getItem(TURNS) || "[]");
    return Array.isArray(turns) ? turns.filter((t) => t && typeof t.question === "string" && t.data) : [];
  } catch {
    return [];
  }
}

export function saveTurns(turns) {
  if (!consented()) return;
  let kept = turns.slice(-MAX_TURNS);
  // A full store drops the oldest turns rather than the newest.
  while (kept.length) {
    try { storage().setItem(TURNS, JSON.stringify(kept)); return; } catch { kept = kept.slice(1); }
  }
}

export function clearTurns() { storage()?.removeItem(TURNS); }
