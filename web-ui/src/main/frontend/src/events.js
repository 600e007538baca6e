// What the live table does with events, without a browser: which columns a gadget has, what a
// cell shows, which events a filter keeps, and a bounded memory of recent events.

/** The table's columns: time, node and type first, then the gadget's own event fields. */
export function columnsFor(gadget) {
  return [
    { key: 'timestamp', title: 'time', type: 'timestamp', description: 'when it happened' },
    { key: 'node', title: 'node', type: 'string', description: 'node the event happened on' },
    ...fieldColumns(gadget),
  ];
}

/** A column for each of the gadget's own event fields, in catalogue order. */
export function fieldColumns(gadget) {
  return (gadget?.eventFields ?? []).map((field) => ({
    key: field.name,
    title: field.name,
    type: field.type,
    description: field.description,
  }));
}

/** The text a cell shows. */
export function cellText(event, column) {
  const value = event[column.key];
  if (value === undefined || value === null) return '';
  if (column.type === 'timestamp') return formatTimestamp(value);
  if (Array.isArray(value)) return value.join(' ');
  return String(value);
}

/** HH:MM:SS.mmm in the browser's time zone, from nanoseconds since the epoch. */
function formatTimestamp(nanos) {
  const date = new Date(Math.floor(Number(nanos) / 1e6));
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * Whether an event matches what the user typed: every word must appear in some field, case
 * ignored; "field:value" limits a word to one field.
 */
export function matchesFilter(event, filterText) {
  const words = filterText.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  return words.every((word) => {
    const colon = word.indexOf(':');
    if (colon > 0) {
      const value = event[word.slice(0, colon)];
      return value !== undefined && stringOf(value).toLowerCase().includes(word.slice(colon + 1));
    }
    return Object.values(event).some((value) => stringOf(value).toLowerCase().includes(word));
  });
}

function stringOf(value) {
  return Array.isArray(value) ? value.join(' ') : String(value);
}

/** The last `capacity` events, oldest first; older ones are forgotten. */
export class EventMemory {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = [];
  }

  add(events) {
    this.items.push(...events);
    if (this.items.length > this.capacity) {
      this.items.splice(0, this.items.length - this.capacity);
    }
  }

  clear() {
    this.items = [];
  }

  /** Newest first, at most `limit`, those `keep` accepts. */
  newest(limit, keep = () => true) {
    const out = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) {
      if (keep(this.items[i])) out.push(this.items[i]);
    }
    return out;
  }
}
