// Inspektor Gadget's histogram output, as profile gadgets (block-I/O latency) put it in
// status.output: {"valType":"usecs","data":[{"count":N,"intervalStart":a,"intervalEnd":b},...]}.
// Pure functions, so the Node tests can check them without a browser.

import { parseOutput } from './output.js';

/** The histogram in a status.output text, or null when the text has another shape. */
export function parseHistogram(outputText) {
  const value = parseOutput(outputText);
  if (!value || typeof value.valType !== 'string' || !Array.isArray(value.data)) return null;
  const bins = [];
  for (const item of value.data) {
    const { count, intervalStart, intervalEnd } = item ?? {};
    if (![count, intervalStart, intervalEnd].every(Number.isFinite)) return null;
    bins.push({ count, start: intervalStart, end: intervalEnd });
  }
  if (bins.length === 0) return null;
  bins.sort((a, b) => a.start - b.start);
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  const maxCount = bins.reduce((max, bin) => Math.max(max, bin.count), 0);
  return { unit: value.valType, bins, total, maxCount };
}

/** "0 – 1", "2 – 3", "1K – 2K": interval bounds short enough for an axis. */
export function intervalLabel(bin) {
  return `${compact(bin.start)} – ${compact(bin.end)}`;
}

function compact(n) {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/**
 * Bars for an SVG of the given size: one per bin, left to right, heights proportional to counts,
 * with room at the bottom for labels.
 */
export function histogramBars(histogram, width, height, labelSpace = 40) {
  const gap = 2;
  const plotHeight = height - labelSpace;
  const barWidth = Math.max(1, (width - gap * (histogram.bins.length - 1)) / histogram.bins.length);
  return histogram.bins.map((bin, i) => {
    const barHeight = histogram.maxCount === 0 ? 0 : (bin.count / histogram.maxCount) * plotHeight;
    return {
      x: i * (barWidth + gap),
      y: plotHeight - barHeight,
      width: barWidth,
      height: barHeight,
      count: bin.count,
      label: intervalLabel(bin),
    };
  });
}
