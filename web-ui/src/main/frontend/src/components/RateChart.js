import { useEffect, useRef } from 'preact/hooks';
import { count } from '../format.js';
import { html } from '../html.js';

const HEIGHT = 90;
const EVENTS_COLOUR = '#3b82f6';
const DROPPED_COLOUR = '#ef4444';

/** Events per second over the last minute, drawn on a canvas; dropped events stacked in red. */
export function RateChart({ rate }) {
  const canvas = useRef(null);
  const series = rate.series();
  const latest = series.at(-2) ?? { events: 0 };
  const peak = series.reduce((max, s) => Math.max(max, s.events + s.dropped), 0);

  useEffect(() => {
    const element = canvas.current;
    const width = element.clientWidth;
    const ratio = window.devicePixelRatio || 1;
    element.width = width * ratio;
    element.height = HEIGHT * ratio;
    const g = element.getContext('2d');
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, HEIGHT);
    g.strokeStyle = '#e5e7eb';
    g.beginPath();
    g.moveTo(0, HEIGHT - 0.5);
    g.lineTo(width, HEIGHT - 0.5);
    g.stroke();
    if (peak === 0) return;
    const slot = width / series.length;
    series.forEach((s, i) => {
      const eventsHeight = (s.events / peak) * (HEIGHT - 4);
      const droppedHeight = (s.dropped / peak) * (HEIGHT - 4);
      g.fillStyle = EVENTS_COLOUR;
      g.fillRect(i * slot + 1, HEIGHT - eventsHeight, Math.max(1, slot - 2), eventsHeight);
      g.fillStyle = DROPPED_COLOUR;
      g.fillRect(i * slot + 1, HEIGHT - eventsHeight - droppedHeight, Math.max(1, slot - 2), droppedHeight);
    });
  });

  return html`<figure class="rate">
    <figcaption>
      <span><b id="rate-now">${count(latest.events)}</b> events/s</span>
      <span class="muted">last 60 s · peak ${count(peak)}/s</span>
    </figcaption>
    <canvas ref=${canvas} height=${HEIGHT} aria-label="events per second over the last minute"></canvas>
  </figure>`;
}
