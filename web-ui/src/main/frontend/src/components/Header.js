import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';

/** The top bar: the product, the namespace shown, and who the user acts as. */
export function Header({ me, namespace, onNamespace, onSignOut }) {
  const [draft, setDraft] = useState(namespace);
  useEffect(() => setDraft(namespace), [namespace]);
  return html`<header class="topbar">
    <div class="brand"><span class="logo" aria-hidden="true"></span>GadgetFlow</div>
    <form
      class="namespace"
      onSubmit=${(e) => {
        e.preventDefault();
        if (draft.trim() && draft.trim() !== namespace) onNamespace(draft.trim());
      }}
    >
      <label for="namespace">Namespace</label>
      <input id="namespace" value=${draft} onInput=${(e) => setDraft(e.target.value)} spellcheck="false" />
    </form>
    <div class="who" title=${(me.groups ?? []).join(', ')}>
      ${me.localMode ? html`<span class="pill">local</span>` : null}
      <span>${me.username}</span>
      ${me.localMode ? null : html`<button class="link" onClick=${onSignOut}>Sign out</button>`}
    </div>
  </header>`;
}
