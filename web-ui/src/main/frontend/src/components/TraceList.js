import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { count, ago } from '../format.js';
import { html } from '../html.js';
import { StateBadge } from './StateBadge.js';

const GROUP_LABEL = 'gadgetflow.io/group';
const ACTION_ORDER = ['start', 'stop', 'generate', 'collect'];

/** Traces started by one form submission (one per node) stay together. */
function groupsOf(traces) {
  const groups = new Map();
  for (const trace of traces) {
    const key = trace.metadata.labels?.[GROUP_LABEL] ?? trace.metadata.uid;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(trace);
  }
  return [...groups.values()];
}

/** Operations worth offering now: no start while started, no stop unless started. */
function actionsFor(trace, gadget) {
  const state = trace.status?.state;
  return ACTION_ORDER.filter((op) => gadget?.operations.includes(op)).filter(
    (op) => !(op === 'start' && state === 'Started') && !(op === 'stop' && state !== 'Started'),
  );
}

/** The namespace's Traces with their state, counters and actions; a click on one watches it. */
export function TraceList({ traces, error, catalog, namespace, watching, onWatch, onChanged }) {
  const [actionErrors, setActionErrors] = useState({});
  const [confirming, setConfirming] = useState(null);

  const act = async (name, run) => {
    setActionErrors((current) => ({ ...current, [name]: null }));
    try {
      await run();
    } catch (e) {
      setActionErrors((current) => ({ ...current, [name]: e.message }));
    }
    onChanged();
  };

  if (traces === null) return html`<section class="card traces"><h2>Traces</h2><p class="muted">Loading…</p></section>`;
  return html`<section class="card traces">
    <h2>Traces <span class="muted">in ${namespace} · ${traces.length}</span></h2>
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${traces.length === 0 && !error
      ? html`<p class="muted">No Traces here yet. Start a gadget with the form: its events appear below as they happen.</p>`
      : null}
    ${traces.length > 0
      ? html`<table class="trace-table">
          <thead>
            <tr><th>Name</th><th>Gadget</th><th>Node</th><th>State</th><th class="num">Events</th><th class="num">Lost</th><th>Age</th><th></th></tr>
          </thead>
          ${groupsOf(traces).map((group) => {
            const names = group.map((t) => t.metadata.name);
            const watched = names.every((n) => watching.includes(n)) && watching.length === names.length;
            return html`<tbody class=${watched ? 'watched' : ''} key=${names[0]}>
              ${group.length > 1
                ? html`<tr class="group-row" onClick=${() => onWatch(names)}>
                    <td colspan="8">${group[0].spec.gadget} on ${group.length} nodes <span class="muted">· click to watch all together</span></td>
                  </tr>`
                : null}
              ${group.map((trace) => html`<${TraceRow}
                  key=${trace.metadata.name}
                  trace=${trace}
                  gadget=${catalog?.gadgets.find((g) => g.name === trace.spec.gadget)}
                  watched=${watching.includes(trace.metadata.name)}
                  actionError=${actionErrors[trace.metadata.name]}
                  confirming=${confirming === trace.metadata.name}
                  onWatch=${() => onWatch([trace.metadata.name])}
                  onOperation=${(op) => act(trace.metadata.name, () => api.operate(namespace, trace.metadata.name, op))}
                  onDelete=${() => {
                    if (confirming !== trace.metadata.name) {
                      setConfirming(trace.metadata.name);
                      return;
                    }
                    setConfirming(null);
                    act(trace.metadata.name, () => api.remove(namespace, trace.metadata.name));
                  }}
                />`)}
            </tbody>`;
          })}
        </table>`
      : null}
  </section>`;
}

function TraceRow({ trace, gadget, watched, actionError, confirming, onWatch, onOperation, onDelete }) {
  const status = trace.status ?? {};
  const name = trace.metadata.name;
  const stop = (handler) => (e) => {
    e.stopPropagation();
    handler();
  };
  const problem = actionError ?? status.operationError;
  return html`
    <tr class=${`trace-row ${watched ? 'selected' : ''}`} data-trace=${name} onClick=${onWatch} title="Watch this trace's events">
      <td class="mono">${name}</td>
      <td>${trace.spec.gadget}</td>
      <td>${trace.spec.node}</td>
      <td><${StateBadge} trace=${trace} /></td>
      <td class="num">${count(status.events)}</td>
      <td class=${`num ${status.lostEvents ? 'lost' : ''}`}>${count(status.lostEvents)}</td>
      <td class="muted">${ago(trace.metadata.creationTimestamp)}</td>
      <td class="actions">
        ${actionsFor(trace, gadget).map(
          (op) => html`<button class=${`small ${op}`} data-operation=${op} onClick=${stop(() => onOperation(op))}>${op}</button>`,
        )}
        <button class=${`small danger ${confirming ? 'confirming' : ''}`} data-operation="delete" onClick=${stop(onDelete)}>
          ${confirming ? 'confirm delete' : 'delete'}
        </button>
      </td>
    </tr>
    ${problem || status.operationWarning
      ? html`<tr class="row-message">
          <td colspan="8">
            ${problem ? html`<span class="field-error" role="alert">${problem}</span>` : null}
            ${status.operationWarning ? html`<span class="warning">${status.operationWarning}</span>` : null}
          </td>
        </tr>`
      : null}
  `;
}
