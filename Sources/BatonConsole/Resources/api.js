// The AWS Step Functions JSON API on the same origin, and the console's own graph endpoint.

/** An error answered by the API: its AWS type (`ExecutionDoesNotExist`…) and message. */
export class APIError extends Error {
  constructor(type, message, status) {
    super(`${type}: ${message}`);
    this.type = type;
    this.status = status;
  }
}

/** Calls one action: POST / with X-Amz-Target AWSStepFunctions.ACTION, JSON 1.0. */
export async function call(action, body = {}) {
  const res = await fetch('/', {
    method: 'POST',
    headers: {'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AWSStepFunctions.${action}`},
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch { data = {message: text}; }
  if (!res.ok) {
    const type = String(data.__type || data.code || 'Error').split('#').pop();
    throw new APIError(type, data.message || data.Message || res.statusText, res.status);
  }
  return data;
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

/** A role ARN for CreateStateMachine (Baton doesn't assume roles; AWS requires the field). */
export const defaultRoleArn = 'arn:aws:iam::123456789012:role/baton-console';
