import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateCounter } from '../src/rate.js';

test('counts per second and forgets what is older than the window', () => {
  let now = 1_000_000;
  const rate = new RateCounter(3, () => now);
  rate.count(5);
  rate.count(2, 'dropped');
  now += 1000;
  rate.count(7);
  assert.deepEqual(
    rate.series().map((s) => [s.events, s.dropped]),
    [
      [0, 0],
      [5, 2],
      [7, 0],
    ],
  );
  now += 3000;
  rate.count(1);
  assert.deepEqual(
    rate.series().map((s) => s.events),
    [0, 0, 1],
  );
  assert.equal(rate.buckets.size, 1);
});
