// The AWS Step Functions JSON API on the same origin, and the console's own graph endpoint. When the
// server asks for signed requests (`baton serve --auth-keys`), calls are signed with SigV4 using the
// access key the user signs in with (kept for the browser tab only, in sessionStorage).
import {signHeaders} from './sigv4.js';

const AUTH_ERRORS = new Set(['MissingAuthenticationTokenException', 'UnrecognizedClientException',
  'InvalidSignatureException', 'IncompleteSignatureException']);

/** The credentials signed in with, or null. */
export function credentials() {
  try { return JSON.parse(sessionStorage.getItem('baton.credentials') || 'null'); } catch { return null; }
}

/** Forgets the credentials. */
export function signOut() { sessionStorage.removeItem('baton.credentials'); }

/** An error answered by the API: its AWS type (`ExecutionDoesNotExist`…) and message. */
export class APIError extends Error {
  constructor(type, message, status) {
    super(`${type}: ${message}`);
    this.type = type;
    this.status = status;
  }
}

/** Calls one action: POST / with X-Amz-Target AWSStepFunctions.ACTION, JSON 1.0. */
export async function call(action, body = {}, retried = false) {
  const text = JSON.stringify(body);
  const headers = {'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AWSStepFunctions.${action}`};
  const creds = credentials();
  if (creds) Object.assign(headers, signHeaders({host: location.host, headers, body: text, ...creds}));
  const res = await fetch('/', {method: 'POST', headers, body: text});
  const answer = await res.text();
  let data = {};
  try { data = answer ? JSON.parse(answer) : {}; } catch { data = {message: answer}; }
  if (!res.ok) {
    const type = String(data.__type || data.code || 'Error').split('#').pop();
    const message = data.message || data.Message || res.statusText;
    if (res.status === 403 && AUTH_ERRORS.has(type) && !retried && await signIn(message)) return call(action, body, true);
    throw new APIError(type, message, res.status);
  }
  return data;
}

let pending = null;
/** Asks for an access key id, secret and region (once for concurrent calls); true when given. */
export function signIn(reason) {
  pending ??= new Promise(resolve => {
    const dialog = document.createElement('dialog');
    dialog.setAttribute('aria-label', 'Sign in');
    dialog.innerHTML = `<form method="dialog"><h2>Sign in</h2>
      <p class="muted">This Baton signs its API with AWS Signature Version 4 (--auth-keys).</p>
      <p class="diag" role="alert"></p>
      <label for="sign-key">Access key ID</label><input id="sign-key" autocomplete="username" required>
      <label for="sign-secret">Secret access key</label><input id="sign-secret" type="password" autocomplete="current-password" required>
      <label for="sign-region">Region</label><input id="sign-region" value="us-east-1" required>
      <div class="row" style="margin-top:10px"><span class="spacer"></span><button type="button" value="cancel">Cancel</button>
      <button class="primary" value="ok">Sign in</button></div></form>`;
    dialog.querySelector('.diag').textContent = reason || '';
    const done = ok => { dialog.close(); dialog.remove(); pending = null; resolve(ok); };
    dialog.querySelector('button[value=cancel]').addEventListener('click', () => done(false));
    dialog.querySelector('form').addEventListener('submit', e => {
      e.preventDefault();
      sessionStorage.setItem('baton.credentials', JSON.stringify({accessKey: dialog.querySelector('#sign-key').value.trim(),
        secret: dialog.querySelector('#sign-secret').value, region: dialog.querySelector('#sign-region').value.trim()}));
      done(true);
    });
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
  return pending;
}

/** Every page of a list action (following nextToken), up to `limit` items. */
export async function listAll(action, body, key, limit = 10000) {
  const items = [];
  let nextToken;
  do {
    const page = await call(action, {...body, maxResults: 1000, ...(nextToken ? {nextToken} : {})});
    items.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < limit);
  return items;
}

/** The layout of a definition as the CLI draws it: {width, height, nodes, edges, frames, diagnostics, svg}. */
export async function graph(definition) {
  const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
  const res = await fetch('/console/api/graph', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: text});
  const data = await res.json().catch(() => ({message: res.statusText}));
  if (!res.ok) throw new APIError(data.code || 'GraphError', data.message || res.statusText, res.status);
  return data;
}

/** The drawing of a definition as `baton graph --format FORMAT` makes it (svg, dot, mermaid), as text. */
export async function drawing(definition, format) {
  const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
  const res = await fetch(`/console/api/graph?format=${encodeURIComponent(format)}`, {method: 'POST', body: text});
  if (!res.ok) throw new APIError('GraphError', await res.text(), res.status);
  return res.text();
}

/** A role ARN for CreateStateMachine (Baton doesn't assume roles; AWS requires the field). */
export const defaultRoleArn = 'arn:aws:iam::123456789012:role/baton-console';
