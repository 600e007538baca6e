// Inspektor Gadget's profile cpu output, as the profile gadget puts it in status.output: a JSON
// array of {"node","namespace","pod","container","comm","pid","mountnsid","userStack":[..],
// "kernelStack":[..],"count"}, frames innermost first, the least sampled entry first.
// Pure functions, so the Node tests can check them without a browser.

import { parseOutput } from './output.js';

/** How many stacks the dashboard lists; the rest are summed up in one line. */
export const SHOWN_STACKS = 100;

/** The profile in a status.output text, most sampled first; null when the text has another shape. */
export function parseProfile(outputText) {
  const value = parseOutput(outputText);
  if (!Array.isArray(value)) return null;
  const stacks = [];
  for (const item of value) {
    if (!isProfileEntry(item)) return null;
    stacks.push({
      node: item.node ?? '',
      namespace: item.namespace ?? '',
      pod: item.pod ?? '',
      container: item.container ?? '',
      comm: item.comm,
      pid: item.pid,
      count: item.count,
      kernelStack: item.kernelStack ?? [],
      userStack: item.userStack ?? [],
    });
  }
  stacks.sort((a, b) => b.count - a.count);
  const total = stacks.reduce((sum, stack) => sum + stack.count, 0);
  return { stacks, total };
}

function isProfileEntry(item) {
  return (
    item !== null &&
    typeof item === 'object' &&
    Number.isFinite(item.count) &&
    Number.isFinite(item.pid) &&
    typeof item.comm === 'string' &&
    (item.userStack === undefined || isFrames(item.userStack)) &&
    (item.kernelStack === undefined || isFrames(item.kernelStack))
  );
}

function isFrames(stack) {
  return Array.isArray(stack) && stack.every((frame) => typeof frame === 'string');
}

/** Where the samples ran: "namespace/pod/container", or "host" for the node's own processes. */
export function placeOf(stack) {
  return stack.pod ? `${stack.namespace}/${stack.pod}/${stack.container}` : 'host';
}

/** The frame the CPU was in: the innermost kernel frame, else the innermost user frame. */
export function innermostFrame(stack) {
  return stack.kernelStack[0] ?? stack.userStack[0] ?? '(no stack)';
}

/** "12.5%" of the profile's samples. */
export function share(stack, total) {
  return total === 0 ? '0%' : `${+((stack.count * 100) / total).toFixed(1)}%`;
}

/** The stacks the dashboard lists, and what it leaves out: {shown, hidden, hiddenSamples}. */
export function shownStacks(profile, limit = SHOWN_STACKS) {
  const shown = profile.stacks.slice(0, limit);
  const hidden = profile.stacks.slice(limit);
  return { shown, hidden: hidden.length, hiddenSamples: hidden.reduce((sum, s) => sum + s.count, 0) };
}
