// A snapshot gadget's status.output (snapshot process, snapshot socket): a JSON array of flat
// entries, one per process or socket, shown as a table with a column per field.
// Pure functions, so the Node tests can check them without a browser.

import { parseOutput } from './output.js';

/**
 * The entries of a status.output text and their columns, each field in the order entries first
 * name it; null when the text is not an array of flat entries (a histogram, a profile, a seccomp
 * profile).
 */
export function parseSnapshot(outputText) {
  const value = parseOutput(outputText);
  if (!Array.isArray(value) || value.length === 0 || !value.every(isFlatEntry)) return null;
  const columns = [];
  const seen = new Set();
  for (const entry of value) {
    for (const [key, field] of Object.entries(entry)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push({ key, numeric: typeof field === 'number' });
      }
    }
  }
  return { columns, entries: value };
}

/** The text of one cell: nothing for a field the entry lacks. */
export function snapshotCell(entry, column) {
  const value = entry[column.key];
  return value === undefined || value === null ? '' : String(value);
}

function isFlatEntry(item) {
  return (
    item !== null &&
    typeof item === 'object' &&
    !Array.isArray(item) &&
    Object.values(item).every((field) => field === null || typeof field !== 'object')
  );
}
