// The web UI's REST API, with the user's token on every request. The token lives in this tab's
// sessionStorage only: in local mode it arrives once in the URL (#token=...), which is then
// cleaned so it does not linger in the address bar or history.

const TOKEN_KEY = 'gadgetflow.token';

export function adoptTokenFromUrl() {
  const match = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value.trim());
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A refused request: `field` names the request field at fault, for errors shown beside it. */
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

async function request(method, path, body) {
  const headers = {};
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `The GadgetFlow server cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: answered below with the status line
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.error ?? `${response.status} ${response.statusText}`, json?.field);
  }
  return json;
}

const ns = (namespace) => `/api/v1/namespaces/${encodeURIComponent(namespace)}`;

export const api = {
  whoami: () => request('GET', '/api/v1/whoami'),
  catalog: () => request('GET', '/api/v1/catalog'),
  nodes: (namespace) => request('GET', `/api/v1/nodes?namespace=${encodeURIComponent(namespace)}`),
  traces: (namespace) => request('GET', `${ns(namespace)}/traces`),
  createTraces: (namespace, body) => request('POST', `${ns(namespace)}/traces`, body),
  operate: (namespace, name, operation) =>
    request('POST', `${ns(namespace)}/traces/${encodeURIComponent(name)}/operation`, { operation }),
  remove: (namespace, name) => request('DELETE', `${ns(namespace)}/traces/${encodeURIComponent(name)}`),
};

/** The websocket address of one trace's events. */
export function eventsUrl(namespace, name, params) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams(params).toString();
  return `${scheme}://${location.host}${ns(namespace)}/traces/${encodeURIComponent(name)}/events?${query}`;
}

/**
 * Browsers cannot put headers on websockets: the token travels as a subprotocol, encoded the way
 * the Kubernetes API server accepts it, beside the protocol the server answers with.
 */
export function eventsProtocols() {
  const encoded = btoa(token() ?? '').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return ['gadgetflow.events.v1', `base64url.bearer.authorization.k8s.io.${encoded}`];
}
