import { useState } from 'preact/hooks';
import { html } from '../html.js';

/** Asks for a Kubernetes token, or explains why the server cannot be reached. */
export function Login({ message, unreachable, onToken, onRetry }) {
  const [value, setValue] = useState('');
  if (unreachable) {
    return html`<div class="login card">
      <h1>GadgetFlow</h1>
      <p class="error">${message}</p>
      <button class="primary" onClick=${onRetry}>Try again</button>
    </div>`;
  }
  return html`<form
    class="login card"
    onSubmit=${(e) => {
      e.preventDefault();
      if (value.trim()) onToken(value);
    }}
  >
    <h1>GadgetFlow</h1>
    <p class="error" role="alert">${message}</p>
    <p>
      Sign in with a Kubernetes bearer token (for example <code>kubectl create token NAME --audience gadgetflow</code>). Running
      <code>gadgetflow up</code>? Open the dashboard URL it printed: it carries the token.
    </p>
    <label for="token">Token</label>
    <textarea id="token" rows="4" value=${value} onInput=${(e) => setValue(e.target.value)}></textarea>
    <button class="primary" type="submit">Sign in</button>
  </form>`;
}
