import { count } from '../format.js';
import { html } from '../html.js';
import { innermostFrame, placeOf, share, shownStacks } from '../profile.js';

/**
 * A CPU profile as a table of its most sampled stacks: samples, share, process and where it ran,
 * the frame the CPU was in; each row opens onto its whole stack, kernel frames then user frames,
 * innermost first.
 */
export function ProfileTable({ profile }) {
  const { shown, hidden, hiddenSamples } = shownStacks(profile);
  return html`<figure class="profile">
    <figcaption>${count(profile.total)} samples in ${count(profile.stacks.length)} stacks, most sampled first</figcaption>
    <div class="event-scroll">
      <table class="event-table" id="profile">
        <thead>
          <tr>
            <th class="num">samples</th>
            <th class="num">share</th>
            <th class="num">pid</th>
            <th>comm</th>
            <th>where</th>
            <th>stack</th>
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (stack, i) => html`<tr class="stack" key=${i} data-pid=${stack.pid} data-count=${stack.count}>
              <td class="num mono">${count(stack.count)}</td>
              <td class="num mono">${share(stack, profile.total)}</td>
              <td class="num mono">${stack.pid}</td>
              <td>${stack.comm}</td>
              <td>${placeOf(stack)}</td>
              <td>
                <details>
                  <summary class="mono">${innermostFrame(stack)}</summary>
                  <ol class="frames mono">
                    ${stack.kernelStack.map((frame) => html`<li class="kernel" title="kernel">${frame}</li>`)}
                    ${stack.userStack.map((frame) => html`<li class="user" title="user">${frame}</li>`)}
                  </ol>
                </details>
              </td>
            </tr>`,
          )}
          ${hidden > 0
            ? html`<tr><td colspan="6" class="muted">${count(hidden)} more stacks with ${count(hiddenSamples)} samples</td></tr>`
            : null}
        </tbody>
      </table>
    </div>
  </figure>`;
}
