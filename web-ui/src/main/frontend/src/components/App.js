import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, forgetToken, setToken } from '../api.js';
import { html } from '../html.js';
import { Header } from './Header.js';
import { LiveView } from './LiveView.js';
import { Login } from './Login.js';
import { NodeList } from './NodeList.js';
import { TraceForm } from './TraceForm.js';
import { TraceList } from './TraceList.js';

const TRACES_REFRESH_MS = 2000;
const NODES_REFRESH_MS = 10000;

function namespaceFromUrl() {
  return new URLSearchParams(location.search).get('namespace');
}

/** The dashboard: who you are, the nodes and Traces of a namespace, and the traces you watch. */
export function App() {
  const [session, setSession] = useState({ state: 'checking' });
  const [catalog, setCatalog] = useState(null);
  const [namespace, setNamespace] = useState(namespaceFromUrl());
  const [nodes, setNodes] = useState([]);
  const [traces, setTraces] = useState(null);
  const [listError, setListError] = useState(null);
  const [watching, setWatching] = useState([]);

  const signIn = useCallback(async () => {
    try {
      const [me, gadgets] = await Promise.all([api.whoami(), api.catalog()]);
      setCatalog(gadgets);
      setNamespace((current) => current ?? me.defaultNamespace);
      setSession({ state: 'ready', me });
    } catch (e) {
      setSession(e.status === 401 ? { state: 'login', message: e.message } : { state: 'down', message: e.message });
    }
  }, []);

  useEffect(() => {
    signIn();
  }, [signIn]);

  const refreshTraces = useCallback(async () => {
    if (!namespace) return;
    try {
      setTraces((await api.traces(namespace)).items);
      setListError(null);
    } catch (e) {
      if (e.status === 401) setSession({ state: 'login', message: e.message });
      setListError(e.message);
    }
  }, [namespace]);

  const refreshNodes = useCallback(async () => {
    if (!namespace) return;
    try {
      setNodes((await api.nodes(namespace)).items);
    } catch {
      // the trace list shows why the namespace cannot be read
    }
  }, [namespace]);

  useEffect(() => {
    if (session.state !== 'ready') return undefined;
    setTraces(null);
    refreshTraces();
    refreshNodes();
    const tracesTimer = setInterval(refreshTraces, TRACES_REFRESH_MS);
    const nodesTimer = setInterval(refreshNodes, NODES_REFRESH_MS);
    return () => {
      clearInterval(tracesTimer);
      clearInterval(nodesTimer);
    };
  }, [session.state, refreshTraces, refreshNodes]);

  const changeNamespace = (next) => {
    const url = new URL(location.href);
    url.searchParams.set('namespace', next);
    history.replaceState(null, '', url);
    setWatching([]);
    setNamespace(next);
  };

  if (session.state === 'checking') return html`<div class="splash">Connecting to GadgetFlow…</div>`;
  if (session.state === 'login' || session.state === 'down') {
    return html`<${Login}
      message=${session.message}
      unreachable=${session.state === 'down'}
      onToken=${(value) => {
        setToken(value);
        signIn();
      }}
      onRetry=${signIn}
    />`;
  }

  const watchedTraces = (traces ?? []).filter((t) => watching.includes(t.metadata.name));
  return html`
    <${Header}
      me=${session.me}
      namespace=${namespace}
      onNamespace=${changeNamespace}
      onSignOut=${() => {
        forgetToken();
        setSession({ state: 'login', message: 'Signed out.' });
      }}
    />
    <main class="layout">
      <aside class="sidebar">
        <${NodeList} nodes=${nodes} />
        <${TraceForm}
          catalog=${catalog}
          nodes=${nodes}
          namespace=${namespace}
          traces=${traces ?? []}
          onCreated=${(created) => {
            setWatching(created.map((t) => t.metadata.name));
            refreshTraces();
          }}
        />
      </aside>
      <section class="content">
        <${TraceList}
          traces=${traces}
          error=${listError}
          catalog=${catalog}
          namespace=${namespace}
          watching=${watching}
          onWatch=${setWatching}
          onChanged=${refreshTraces}
        />
        <${LiveView} namespace=${namespace} traces=${watchedTraces} names=${watching} catalog=${catalog} />
      </section>
    </main>
  `;
}
