import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { innermostFrame, parseProfile, placeOf, share, shownStacks } from '../src/profile.js';

// The same fixture the browser test puts into a Trace's status.output.
const fixture = readFileSync(
  new URL('../../../test/resources/fixtures/profile-status-output.json', import.meta.url),
  'utf8',
);

test('reads Inspektor Gadget profile cpu output, most sampled first', () => {
  const profile = parseProfile(fixture);
  assert.equal(profile.stacks.length, 4);
  assert.equal(profile.total, 306);
  assert.deepEqual(
    profile.stacks.map((s) => s.count),
    [212, 61, 29, 4],
  );
  assert.equal(profile.stacks[0].comm, 'gadgetflow-spin');
  assert.deepEqual(profile.stacks[0].userStack, ['gadgetflow_spin_user', 'main', '0x7f1e56c6a24a']);
  assert.deepEqual(profile.stacks[0].kernelStack, []);
});

test('names the frame the CPU was in, where the samples ran and their share', () => {
  const [user, kernel, , pod] = parseProfile(fixture).stacks;
  assert.equal(innermostFrame(user), 'gadgetflow_spin_user');
  assert.equal(innermostFrame(kernel), 'read_zero');
  assert.equal(placeOf(user), 'host');
  assert.equal(placeOf(pod), 'shop/db-0/postgres');
  assert.equal(share(user, 306), '69.3%');
  assert.equal(innermostFrame({ kernelStack: [], userStack: [] }), '(no stack)');
});

test('lists the most sampled stacks and sums up the rest', () => {
  const { shown, hidden, hiddenSamples } = shownStacks(parseProfile(fixture), 2);
  assert.deepEqual(
    shown.map((s) => s.count),
    [212, 61],
  );
  assert.equal(hidden, 2);
  assert.equal(hiddenSamples, 33);
});

test('other outputs are not profiles', () => {
  assert.equal(parseProfile('{"valType":"usecs","data":[]}'), null);
  assert.equal(parseProfile('[{"pid":1,"comm":"init","ppid":0}]'), null);
  assert.equal(parseProfile('[{"pid":1,"comm":"x","count":2,"userStack":[3]}]'), null);
  assert.equal(parseProfile('not json'), null);
  assert.equal(parseProfile(''), null);
  assert.deepEqual(parseProfile('[]'), { stacks: [], total: 0 });
});
