import { cellText } from '../events.js';
import { count } from '../format.js';
import { html } from '../html.js';

/** Newest events first; a warning or error spans the gadget's columns with its message. */
export function EventTable({ columns, rows, shown }) {
  return html`<div class="event-scroll">
    <table class="event-table" id="events">
      <thead>
        <tr>
          ${columns.map((c) => html`<th title=${c.description} class=${c.type === 'uint' || c.type === 'int' ? 'num' : ''}>${c.title}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.length === 0
          ? html`<tr><td colspan=${columns.length} class="muted waiting">Waiting for events…</td></tr>`
          : rows.map((event) => row(event, columns))}
      </tbody>
    </table>
    ${rows.length >= shown ? html`<p class="muted small">Showing the newest ${shown}; export for all remembered events.</p>` : null}
  </div>`;
}

function row(event, columns) {
  if (event.gap !== undefined) {
    return html`<tr class="gap"><td colspan=${columns.length}>⋯ ${count(event.gap)} events dropped here: this browser fell behind</td></tr>`;
  }
  if (event.type && event.type !== 'normal') {
    return html`<tr class=${`event ${event.type}`}>
      <td class="mono">${cellText(event, columns[0])}</td>
      <td>${cellText(event, columns[1])}</td>
      <td colspan=${columns.length - 2}><span class=${`badge ${event.type}`}>${event.type}</span> ${event.message}</td>
    </tr>`;
  }
  return html`<tr class="event">
    ${columns.map((c) => html`<td class=${c.type === 'uint' || c.type === 'int' ? 'num mono' : c.type === 'timestamp' ? 'mono' : ''}>${cellText(event, c)}</td>`)}
  </tr>`;
}
