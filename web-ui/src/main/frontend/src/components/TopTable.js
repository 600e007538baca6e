import { cellText } from '../events.js';
import { count } from '../format.js';
import { html } from '../html.js';

/**
 * A top gadget's table, refreshed in place with every report: the rows of each node's latest
 * interval, in the trace's sort order, at most its max_rows.
 */
export function TopTable({ columns, rows, reports }) {
  const latest = [...reports.values()].reduce((newest, r) => (r.timestamp > (newest?.timestamp ?? -1) ? r : newest), null);
  return html`<div class="top">
    <p class="muted small" id="top-updated" data-timestamp=${latest ? String(latest.timestamp) : ''}>
      ${latest
        ? `every ${latest.interval}s · ${count(reports.size)} ${reports.size === 1 ? 'node' : 'nodes'} · ${count(rows.length)} rows · updated ${timeOfDay(latest.timestamp)}`
        : 'Waiting for the first interval…'}
    </p>
    <div class="event-scroll">
      <table class="event-table" id="top">
        <thead>
          <tr>
            ${columns.map((c) => html`<th title=${c.description} class=${numeric(c) ? 'num' : ''}>${c.title}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.length === 0
            ? html`<tr><td colspan=${columns.length} class="muted waiting">${latest ? 'Nothing happened in the last interval' : 'Waiting for the first interval…'}</td></tr>`
            : rows.map(
                (row) => html`<tr class="event">
                  ${columns.map((c) => html`<td class=${numeric(c) ? 'num mono' : ''}>${cellText(row, c)}</td>`)}
                </tr>`,
              )}
        </tbody>
      </table>
    </div>
  </div>`;
}

function numeric(column) {
  return column.type === 'uint' || column.type === 'int';
}

function timeOfDay(nanos) {
  return new Date(Math.floor(Number(nanos) / 1e6)).toLocaleTimeString();
}
