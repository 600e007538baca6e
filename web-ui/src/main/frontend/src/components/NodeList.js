import { html } from '../html.js';
import { ago } from '../format.js';

/** The nodes known to run a GadgetFlow agent. */
export function NodeList({ nodes }) {
  return html`<section class="card nodes">
    <h2>Nodes <span class="muted">${nodes.length}</span></h2>
    ${nodes.length === 0
      ? html`<p class="muted">No node agent has reported yet. Nodes appear once their agent answers an operation.</p>`
      : html`<ul class="chips">
          ${nodes.map(
            (node) => html`<li class="chip" key=${node.name} title=${node.lastReport ? `last report ${node.lastReport}` : 'configured'}>
              <span class="dot ok"></span>${node.name}
              <span class="muted">${node.lastReport ? ago(node.lastReport) : node.configured ? 'this machine' : ''}</span>
            </li>`,
          )}
        </ul>`}
  </section>`;
}
