import { count } from '../format.js';
import { histogramBars } from '../histogram.js';
import { html } from '../html.js';

const WIDTH = 640;
const HEIGHT = 240;
const LABEL_SPACE = 56;

/** A latency histogram as bars, one per interval, with counts above and intervals below. */
export function HistogramChart({ histogram }) {
  const bars = histogramBars(histogram, WIDTH, HEIGHT, LABEL_SPACE);
  return html`<figure class="histogram">
    <figcaption>${count(histogram.total)} samples by ${histogram.unit} interval</figcaption>
    <svg viewBox=${`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label=${`histogram of ${histogram.unit}`} id="histogram">
      ${bars.map(
        (bar) => html`<g class="bar" key=${bar.label}>
          <title>${bar.label} ${histogram.unit}: ${count(bar.count)}</title>
          <rect x=${bar.x} y=${bar.y} width=${bar.width} height=${bar.height} data-count=${bar.count} />
          ${bar.count > 0 ? html`<text class="count" x=${bar.x + bar.width / 2} y=${Math.max(10, bar.y - 4)}>${count(bar.count)}</text>` : null}
          <text class="interval" transform=${`translate(${bar.x + bar.width / 2}, ${HEIGHT - LABEL_SPACE + 12}) rotate(35)`}>${bar.label}</text>
        </g>`,
      )}
    </svg>
  </figure>`;
}
