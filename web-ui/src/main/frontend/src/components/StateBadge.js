import { html } from '../html.js';

const OPERATION_ANNOTATION = 'gadget.kinvolk.io/operation';
const PENDING_ANNOTATION = 'gadgetflow.io/pending-operation';

/** What a Trace is doing: its state, or the operation still waiting for the controller. */
function traceState(trace) {
  if (!trace) return { label: 'creating', tone: 'pending' };
  const annotations = trace.metadata.annotations ?? {};
  const status = trace.status ?? {};
  if (trace.metadata.deletionTimestamp) return { label: 'deleting', tone: 'pending' };
  if (status.operationError) return { label: status.state ?? 'error', tone: 'error' };
  const waiting = annotations[OPERATION_ANNOTATION] ?? annotations[PENDING_ANNOTATION]?.split('/')[0];
  if (waiting) return { label: `${waiting}…`, tone: 'pending' };
  if (!status.state) return { label: 'not started', tone: 'idle' };
  return { label: status.state, tone: status.state.toLowerCase() };
}

export function StateBadge({ trace }) {
  const state = traceState(trace);
  return html`<span class=${`badge ${state.tone}`} data-state=${state.label}>${state.label}</span>`;
}
