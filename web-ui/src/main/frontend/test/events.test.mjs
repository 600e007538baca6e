import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellText, columnsFor, EventMemory, matchesFilter } from '../src/events.js';

const execsnoop = {
  name: 'execsnoop',
  eventFields: [
    { name: 'pid', type: 'uint', description: 'process id' },
    { name: 'comm', type: 'string', description: 'command name' },
    { name: 'args', type: 'string-array', description: 'argv' },
  ],
};
const event = {
  timestamp: 1795601076143759629,
  type: 'normal',
  node: 'node-1',
  pid: 48121,
  comm: 'true',
  args: ['/bin/true', '--flag', 'marker-42'],
};

test('columns are time, node, then the gadget fields in catalogue order', () => {
  assert.deepEqual(
    columnsFor(execsnoop).map((c) => c.key),
    ['timestamp', 'node', 'pid', 'comm', 'args'],
  );
});

test('cells show arrays as words and timestamps as a time of day', () => {
  const columns = columnsFor(execsnoop);
  assert.equal(cellText(event, columns[4]), '/bin/true --flag marker-42');
  assert.match(cellText(event, columns[0]), /^\d\d:\d\d:\d\d\.\d{3}$/);
  assert.equal(cellText({}, columns[2]), '');
});

test('the filter keeps events with every word somewhere, or in the named field', () => {
  assert.ok(matchesFilter(event, ''));
  assert.ok(matchesFilter(event, 'MARKER-42'));
  assert.ok(matchesFilter(event, 'true node-1'));
  assert.ok(!matchesFilter(event, 'true node-2'));
  assert.ok(matchesFilter(event, 'comm:tru'));
  assert.ok(!matchesFilter(event, 'comm:bin'));
  assert.ok(!matchesFilter(event, 'nosuchfield:x'));
});

test('the memory keeps the newest events only', () => {
  const memory = new EventMemory(3);
  memory.add([{ n: 1 }, { n: 2 }]);
  memory.add([{ n: 3 }, { n: 4 }]);
  assert.deepEqual(
    memory.newest(10).map((e) => e.n),
    [4, 3, 2],
  );
  assert.deepEqual(
    memory.newest(10, (e) => e.n % 2 === 0).map((e) => e.n),
    [4, 2],
  );
  assert.deepEqual(
    memory.newest(1).map((e) => e.n),
    [4],
  );
});
