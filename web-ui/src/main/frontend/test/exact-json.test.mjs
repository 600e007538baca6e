import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExact, stringifyExact } from '../src/exact-json.js';

// Run with --harmony-json-parse-with-source on Node 20 (the Maven build does), as browsers run.
test('nanosecond timestamps survive parsing and export to the digit', () => {
  const frame =
    '{"kind":"events","events":[{"timestamp":1795601076143759629,"pid":7,"args":["a"]}]}';
  const parsed = parseExact(frame);
  const event = parsed.events[0];
  assert.equal(event.pid, 7);
  assert.equal(stringifyExact([event]), '[{"timestamp":1795601076143759629,"pid":7,"args":["a"]}]');
});
