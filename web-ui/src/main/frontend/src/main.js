import { render } from 'preact';
import { adoptTokenFromUrl } from './api.js';
import { App } from './components/App.js';
import { html } from './html.js';

adoptTokenFromUrl();
render(html`<${App} />`, document.getElementById('app'));
