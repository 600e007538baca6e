// What the dashboard does with a top gadget's reports, without a browser: each report is one
// interval's table from one node; the table shown holds every node's latest rows, sorted by the
// trace's sort_by and cut to its max_rows, as `kubectl gadget top` does on a terminal.
import { fieldColumns } from './events.js';

/** Whether a gadget reports a table per interval instead of events. */
export function isTopGadget(gadget) {
  return gadget?.category === 'top';
}

/** The table's columns: the node and container names, then the gadget's own row fields. */
export function topColumnsFor(gadget) {
  return [
    { key: 'node', title: 'node', type: 'string', description: 'node the row comes from' },
    { key: 'namespace', title: 'namespace', type: 'string', description: 'pod namespace' },
    { key: 'pod', title: 'pod', type: 'string', description: 'pod name' },
    { key: 'container', title: 'container', type: 'string', description: 'container name' },
    ...fieldColumns(gadget),
  ];
}

/**
 * The order of a sort_by value: columns separated by commas, each descending when prefixed with
 * "-". Null when the text is not such a list.
 */
export function parseSortBy(text) {
  const keys = [];
  for (const item of String(text ?? '').split(',')) {
    const trimmed = item.trim();
    const descending = trimmed.startsWith('-');
    const column = descending ? trimmed.slice(1) : trimmed;
    if (!/^[a-z][a-z0-9_/]*$/.test(column)) return null;
    keys.push({ column, descending });
  }
  return keys;
}

/** The trace's value of a parameter, or the gadget's default. */
export function parameterOf(trace, gadget, name) {
  const given = trace?.spec?.parameters?.[name];
  if (given !== undefined && given !== '') return given;
  return gadget?.parameters?.find((p) => p.name === name)?.defaultValue ?? '';
}

/** Orders rows by the keys; a row without a value in a column comes after those with one. */
export function compareRows(keys) {
  return (a, b) => {
    for (const { column, descending } of keys) {
      const x = a[column];
      const y = b[column];
      if (x === undefined || x === null || y === undefined || y === null) {
        if ((x ?? null) === (y ?? null)) continue;
        return x === undefined || x === null ? 1 : -1;
      }
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
}

/** Each node's newest normal report, by node, from events oldest first. */
export function latestReports(events) {
  const byNode = new Map();
  for (const event of events) {
    if (event.type === 'normal' && Array.isArray(event.stats)) byNode.set(event.node, event);
  }
  return byNode;
}

/** The rows shown: every node's latest rows together, in sort order, the first maxRows. */
export function topRows(reports, keys, maxRows) {
  const rows = [];
  for (const report of reports.values()) rows.push(...report.stats);
  rows.sort(compareRows(keys ?? []));
  return rows.slice(0, maxRows > 0 ? maxRows : rows.length);
}
