import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { html } from '../html.js';
import { StateBadge } from './StateBadge.js';

const ALL_NODES = '__all__';
const OTHER_NODE = '__other__';
const OPERATION_ORDER = ['start', 'collect'];

/** The operation the form's button runs: a stream or profile starts, a snapshot collects. */
function firstOperation(gadget) {
  return OPERATION_ORDER.find((op) => gadget.operations.includes(op)) ?? null;
}

/** Where an error the server names a field for is shown in this form. */
function fieldKey(field) {
  if (!field) return 'form';
  if (field.startsWith('nodes') || field === 'allNodes') return 'nodes';
  if (field.startsWith('filter.labels')) return 'filter.labels';
  return field;
}

function parseLabels(text) {
  const labels = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not name=value`);
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return labels;
}

/** Starts a gadget on one node or all, with the filters and parameters its catalogue entry has. */
export function TraceForm({ catalog, nodes, namespace, traces, onCreated }) {
  const gadgets = catalog?.gadgets ?? [];
  const [gadgetName, setGadgetName] = useState(null);
  const gadget = gadgets.find((g) => g.name === gadgetName) ?? gadgets[0];
  const [node, setNode] = useState('');
  const [otherNode, setOtherNode] = useState('');
  const [name, setName] = useState('');
  const [filter, setFilter] = useState({ namespace: '', podname: '', containerName: '', labels: '' });
  const [parameters, setParameters] = useState({});
  const [outputMode, setOutputMode] = useState('');
  const [output, setOutput] = useState('');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState([]);

  useEffect(() => {
    if (!node && nodes.length > 0) setNode(nodes.length === 1 ? nodes[0].name : ALL_NODES);
  }, [nodes, node]);
  useEffect(() => {
    setParameters({});
    setOutputMode('');
    setErrors({});
  }, [gadgetName]);

  const modes = useMemo(() => [...(gadget?.outputModes ?? [])].sort(), [gadget]);
  if (!gadget) return null;
  const operation = firstOperation(gadget);
  const mode = outputMode || (modes.includes('Stream') ? 'Stream' : modes[0]);
  const targetNodes = node === ALL_NODES ? nodes.map((n) => n.name) : node === OTHER_NODE ? [otherNode.trim()] : [node];

  const submit = async (e) => {
    e.preventDefault();
    const body = { gadget: gadget.name, outputMode: mode };
    if (name.trim()) body.name = name.trim();
    if (node === ALL_NODES) body.allNodes = true;
    else body.nodes = targetNodes.filter(Boolean);
    if (mode === 'File' || mode === 'ExternalResource') body.output = output;
    if (operation) body.operation = operation;
    const given = Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== ''));
    if (Object.keys(given).length > 0) body.parameters = given;
    try {
      const chosen = {
        namespace: filter.namespace.trim(),
        podname: filter.podname.trim(),
        containerName: filter.containerName.trim(),
        labels: parseLabels(filter.labels),
      };
      if (chosen.namespace || chosen.podname || chosen.containerName || Object.keys(chosen.labels).length > 0) {
        body.filter = chosen;
      }
    } catch (labelError) {
      setErrors({ 'filter.labels': labelError.message });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const result = await api.createTraces(namespace, body);
      const names = result.items.map((t) => t.metadata.name);
      setCreated(names);
      setName('');
      onCreated(result.items);
    } catch (failure) {
      setErrors({ [fieldKey(failure.field)]: failure.message });
    } finally {
      setBusy(false);
    }
  };

  const error = (key) => (errors[key] ? html`<p class="field-error" role="alert">${errors[key]}</p>` : null);
  const byCategory = {};
  for (const g of gadgets) (byCategory[g.category] ??= []).push(g);

  return html`<form class="card trace-form" onSubmit=${submit} novalidate>
    <h2>Start a gadget</h2>
    <label for="gadget">Gadget</label>
    <select id="gadget" name="gadget" value=${gadget.name} onChange=${(e) => setGadgetName(e.target.value)}>
      ${Object.entries(byCategory).map(
        ([category, list]) => html`<optgroup label=${category}>
          ${list.map((g) => html`<option value=${g.name}>${g.name} — ${g.category} ${g.command}</option>`)}
        </optgroup>`,
      )}
    </select>
    <p class="hint">${gadget.description}</p>
    ${error('gadget')}

    <label for="node">Node</label>
    <select id="node" name="node" value=${node} onChange=${(e) => setNode(e.target.value)}>
      ${nodes.length > 1 ? html`<option value=${ALL_NODES}>All nodes (${nodes.length})</option>` : null}
      ${nodes.map((n) => html`<option value=${n.name}>${n.name}</option>`)}
      <option value=${OTHER_NODE}>Another node…</option>
    </select>
    ${node === OTHER_NODE
      ? html`<input id="other-node" name="otherNode" placeholder="node name" value=${otherNode} onInput=${(e) => setOtherNode(e.target.value)} />`
      : null}
    ${error('nodes')}

    <label for="trace-name">Name <span class="muted">optional</span></label>
    <input id="trace-name" name="name" placeholder=${`${gadget.name}-xxxxx`} value=${name} onInput=${(e) => setName(e.target.value)} spellcheck="false" />
    ${error('name')}

    ${modes.length > 1
      ? html`<label for="output-mode">Output</label>
          <select id="output-mode" value=${mode} onChange=${(e) => setOutputMode(e.target.value)}>
            ${modes.map((m) => html`<option value=${m}>${m}</option>`)}
          </select>
          ${error('outputMode')}`
      : null}
    ${mode === 'File' || mode === 'ExternalResource'
      ? html`<input id="output" placeholder=${mode === 'File' ? '/path/on/the/node' : 'namespace/name'} value=${output} onInput=${(e) => setOutput(e.target.value)} />
          ${error('output')}`
      : null}

    ${gadget.supportsFilter
      ? html`<details class="filters">
          <summary>Filter containers</summary>
          ${[
            ['namespace', 'Pod namespace', 'default,kube-system'],
            ['podname', 'Pod', 'web-7d4b9'],
            ['containerName', 'Container', 'nginx'],
            ['labels', 'Labels', 'app=web, tier=frontend'],
          ].map(
            ([key, label, placeholder]) => html`<label for=${`filter-${key}`}>${label}</label>
              <input id=${`filter-${key}`} placeholder=${placeholder} value=${filter[key]} spellcheck="false"
                onInput=${(e) => setFilter({ ...filter, [key]: e.target.value })} />
              ${error(`filter.${key}`)}`,
          )}
          ${error('filter')}
        </details>`
      : null}

    ${gadget.parameters.length > 0
      ? html`<fieldset class="parameters">
          <legend>Parameters</legend>
          ${gadget.parameters.map((p) => html`<${ParameterInput} parameter=${p} value=${parameters[p.name] ?? ''}
              onChange=${(value) => setParameters({ ...parameters, [p.name]: value })} />
            ${error(`parameters.${p.name}`)}`)}
        </fieldset>`
      : null}

    ${error('operation')}
    ${error('form')}
    <button class="primary" type="submit" id="start" disabled=${busy}>
      ${busy ? 'Starting…' : `${operation ? capitalise(operation) : 'Create'} on ${describeTarget(node, targetNodes)}`}
    </button>
    ${created.length > 0 ? html`<${CreatedTraces} names=${created} traces=${traces} />` : null}
  </form>`;
}

function describeTarget(node, targetNodes) {
  if (node === ALL_NODES) return `all ${targetNodes.length} nodes`;
  return targetNodes[0] || 'a node';
}

function capitalise(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function ParameterInput({ parameter, value, onChange }) {
  const id = `parameter-${parameter.name}`;
  const label = html`<label for=${id} title=${parameter.description}>${parameter.name} <span class="muted">${parameter.type}</span></label>`;
  // A sort order names several of its allowed columns: typed, with the columns as the hint.
  const sortBy = parameter.type === 'sort-by';
  const choices = sortBy ? null : parameter.allowedValues ?? (parameter.type === 'bool' ? ['true', 'false'] : null);
  if (choices) {
    return html`${label}<select id=${id} value=${value} onChange=${(e) => onChange(e.target.value)}>
        <option value="">default${parameter.defaultValue ? ` (${parameter.defaultValue})` : ''}</option>
        ${choices.map((c) => html`<option value=${c}>${c}</option>`)}
      </select>`;
  }
  return html`${label}<input id=${id} value=${value} placeholder=${parameter.defaultValue ?? ''} spellcheck="false"
      onInput=${(e) => onChange(e.target.value)} />
    <p class="hint">${parameter.description}${sortBy && parameter.allowedValues ? ` (columns: ${parameter.allowedValues.join(', ')})` : ''}</p>`;
}

/** What became of the Traces this form just created: their state, or the node's error. */
function CreatedTraces({ names, traces }) {
  return html`<ul class="created" aria-live="polite">
    ${names.map((n) => {
      const trace = traces.find((t) => t.metadata.name === n);
      const status = trace?.status ?? {};
      return html`<li key=${n}>
        <span class="mono">${n}</span> <${StateBadge} trace=${trace} />
        ${status.operationError ? html`<p class="field-error">${status.operationError}</p>` : null}
        ${status.operationWarning ? html`<p class="warning">${status.operationWarning}</p>` : null}
      </li>`;
    })}
  </ul>`;
}
