import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSnapshot, snapshotCell } from '../src/snapshot.js';

test('reads snapshot process output as entries with a column per field, in first-named order', () => {
  const snapshot = parseSnapshot(
    JSON.stringify([
      { node: 'vm', pid: 1, comm: 'init' },
      { node: 'vm', pid: 42, comm: 'java', pod: 'shop-0' },
    ]),
  );
  assert.deepEqual(
    snapshot.columns.map((c) => [c.key, c.numeric]),
    [
      ['node', false],
      ['pid', true],
      ['comm', false],
      ['pod', false],
    ],
  );
  assert.equal(snapshot.entries.length, 2);
  assert.equal(snapshotCell(snapshot.entries[0], snapshot.columns[3]), '');
  assert.equal(snapshotCell(snapshot.entries[1], snapshot.columns[1]), '42');
});

test('leaves what is not a list of flat entries to the other views', () => {
  assert.equal(parseSnapshot('[]'), null);
  assert.equal(parseSnapshot('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}'), null);
  assert.equal(parseSnapshot('[{"pid":1,"userStack":["main"],"count":3}]'), null);
  assert.equal(parseSnapshot('[1,2]'), null);
  assert.equal(parseSnapshot('not json'), null);
});
