import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRows, isTopGadget, latestReports, parameterOf, parseSortBy, topColumnsFor, topRows } from '../src/top.js';

const filetop = {
  name: 'filetop',
  category: 'top',
  eventFields: [
    { name: 'comm', type: 'string', description: 'command name' },
    { name: 'writes', type: 'uint', description: 'write calls' },
  ],
  parameters: [
    { name: 'sort_by', type: 'sort-by', defaultValue: '-reads,-writes' },
    { name: 'max_rows', type: 'uint', defaultValue: '20' },
  ],
};

function report(node, timestamp, stats) {
  return { timestamp, type: 'normal', node, interval: 1, stats };
}

test('a top gadget is one of the top category', () => {
  assert.equal(isTopGadget(filetop), true);
  assert.equal(isTopGadget({ category: 'trace' }), false);
  assert.equal(isTopGadget(undefined), false);
});

test('its columns are the container names, then its own row fields', () => {
  assert.deepEqual(
    topColumnsFor(filetop).map((c) => c.key),
    ['node', 'namespace', 'pod', 'container', 'comm', 'writes'],
  );
});

test('sort_by is read as Inspektor Gadget writes it', () => {
  assert.deepEqual(parseSortBy('-writes, comm'), [
    { column: 'writes', descending: true },
    { column: 'comm', descending: false },
  ]);
  assert.equal(parseSortBy('writes;comm'), null);
  assert.equal(parseSortBy(''), null);
});

test('the trace says the order and the number of rows, else the gadget defaults do', () => {
  const trace = { spec: { parameters: { max_rows: '3' } } };
  assert.equal(parameterOf(trace, filetop, 'max_rows'), '3');
  assert.equal(parameterOf(trace, filetop, 'sort_by'), '-reads,-writes');
});

test('rows sort by the first key, then the next; missing values come last either way', () => {
  const rows = [{ writes: 1, comm: 'b' }, { comm: 'z' }, { writes: 5, comm: 'a' }, { writes: 1, comm: 'a' }];
  rows.sort(compareRows(parseSortBy('-writes,comm')));
  assert.deepEqual(rows.map((r) => r.comm), ['a', 'a', 'b', 'z']);
  rows.sort(compareRows(parseSortBy('writes')));
  assert.deepEqual(rows.map((r) => r.writes), [1, 1, 5, undefined]);
});

test('the table holds each node newest report, merged, sorted and cut', () => {
  const events = [
    report('n1', 1, [{ comm: 'old', writes: 100 }]),
    report('n2', 2, [{ comm: 'c', writes: 5 }, { comm: 'd', writes: 1 }]),
    { type: 'warn', message: 'lost 3 samples', node: 'n1' },
    report('n1', 3, [{ comm: 'e', writes: 3 }]),
  ];
  const reports = latestReports(events);
  assert.deepEqual([...reports.keys()], ['n1', 'n2']);
  assert.deepEqual(
    topRows(reports, parseSortBy('-writes'), 2).map((r) => r.comm),
    ['c', 'e'],
  );
});
