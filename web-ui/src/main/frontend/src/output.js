// A Trace's status.output, the JSON text a profile, snapshot or advise gadget answers with, for
// the views that draw it.

/** The JSON value of a status.output text; null when it is empty or not JSON. */
export function parseOutput(outputText) {
  if (typeof outputText !== 'string' || outputText.trim() === '') return null;
  try {
    return JSON.parse(outputText);
  } catch {
    return null;
  }
}
