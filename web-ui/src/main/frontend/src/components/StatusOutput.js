import { parseHistogram } from '../histogram.js';
import { html } from '../html.js';
import { HistogramChart } from './HistogramChart.js';

/** A Trace's status.output: a histogram drawn as one, anything else as indented JSON. */
export function StatusOutput({ trace }) {
  const text = trace.status.output;
  const histogram = parseHistogram(text);
  return html`<div class="status-output" data-trace=${trace.metadata.name}>
    <h3>Result of ${trace.metadata.name}</h3>
    ${histogram ? html`<${HistogramChart} histogram=${histogram} />` : html`<pre>${pretty(text)}</pre>`}
  </div>`;
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
