import { count } from '../format.js';
import { html } from '../html.js';
import { snapshotCell } from '../snapshot.js';

/** A snapshot's entries, one row each, a column per field, as kubectl gadget's columns show them. */
export function SnapshotTable({ snapshot }) {
  return html`<figure class="snapshot">
    <figcaption>${count(snapshot.entries.length)} entries</figcaption>
    <div class="event-scroll">
      <table class="event-table" id="snapshot">
        <thead>
          <tr>
            ${snapshot.columns.map((c) => html`<th class=${c.numeric ? 'num' : ''}>${c.key}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${snapshot.entries.map(
            (entry, i) => html`<tr class="entry" key=${i}>
              ${snapshot.columns.map((c) => html`<td class=${c.numeric ? 'num mono' : ''} data-field=${c.key}>${snapshotCell(entry, c)}</td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </figure>`;
}
