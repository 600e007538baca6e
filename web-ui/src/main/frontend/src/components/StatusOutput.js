import { parseHistogram } from '../histogram.js';
import { html } from '../html.js';
import { parseProfile } from '../profile.js';
import { parseSnapshot } from '../snapshot.js';
import { HistogramChart } from './HistogramChart.js';
import { ProfileTable } from './ProfileTable.js';
import { SnapshotTable } from './SnapshotTable.js';

/**
 * A Trace's status.output: a histogram drawn as one, a CPU profile as a table of its stacks, a
 * snapshot as a table of its entries, anything else (a seccomp profile) as indented JSON.
 */
export function StatusOutput({ trace }) {
  const text = trace.status.output;
  return html`<div class="status-output" data-trace=${trace.metadata.name}>
    <h3>Result of ${trace.metadata.name}</h3>
    ${rendered(text)}
  </div>`;
}

function rendered(text) {
  const histogram = parseHistogram(text);
  if (histogram) return html`<${HistogramChart} histogram=${histogram} />`;
  const profile = parseProfile(text);
  if (profile && profile.stacks.length > 0) return html`<${ProfileTable} profile=${profile} />`;
  const snapshot = parseSnapshot(text);
  if (snapshot) return html`<${SnapshotTable} snapshot=${snapshot} />`;
  return html`<pre>${pretty(text)}</pre>`;
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
