import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { histogramBars, intervalLabel, parseHistogram } from '../src/histogram.js';

// The same fixture the browser test puts into a Trace's status.output.
const fixture = readFileSync(
  new URL('../../../test/resources/fixtures/biolatency-status-output.json', import.meta.url),
  'utf8',
);

test('reads Inspektor Gadget histogram output', () => {
  const histogram = parseHistogram(fixture);
  assert.equal(histogram.unit, 'usecs');
  assert.equal(histogram.bins.length, 13);
  assert.deepEqual(histogram.bins[2], { count: 17, start: 4, end: 7 });
  assert.equal(histogram.total, 1874);
  assert.equal(histogram.maxCount, 611);
});

test('sorts bins by interval', () => {
  const histogram = parseHistogram(
    '{"valType":"usecs","data":[{"count":1,"intervalStart":4,"intervalEnd":7},{"count":2,"intervalStart":0,"intervalEnd":3}]}',
  );
  assert.deepEqual(
    histogram.bins.map((b) => b.start),
    [0, 4],
  );
});

test('other outputs are not histograms', () => {
  for (const text of [
    '',
    'not json',
    '[]',
    '[{"pid":1}]',
    '{"valType":"usecs"}',
    '{"valType":"usecs","data":[]}',
    '{"valType":"usecs","data":[{"count":"3","intervalStart":0,"intervalEnd":1}]}',
    null,
  ]) {
    assert.equal(parseHistogram(text), null, String(text));
  }
});

test('bar heights are proportional to counts and the tallest fills the plot', () => {
  const bars = histogramBars(parseHistogram(fixture), 650, 240, 40);
  assert.equal(bars.length, 13);
  const tallest = bars[6];
  assert.equal(tallest.count, 611);
  assert.equal(tallest.height, 200);
  assert.equal(tallest.y, 0);
  assert.equal(bars[0].height, 0);
  assert.ok(Math.abs(bars[5].height - (388 / 611) * 200) < 1e-9);
  for (let i = 1; i < bars.length; i++) assert.ok(bars[i].x > bars[i - 1].x);
  assert.ok(bars.at(-1).x + bars.at(-1).width <= 650 + 1e-9);
});

test('interval labels are short', () => {
  assert.equal(intervalLabel({ start: 0, end: 1 }), '0 – 1');
  assert.equal(intervalLabel({ start: 1024, end: 2047 }), '1K – 2K');
  assert.equal(intervalLabel({ start: 1048576, end: 2097151 }), '1M – 2.1M');
});
