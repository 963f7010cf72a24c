// Small DOM and formatting helpers shared by the console's pages.

/** Creates an element: h('a', {href: '#'}, 'text', child…). Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children; arrays are flattened and null, undefined and false left out. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false)
    .map(c => c instanceof Node ? c : document.createTextNode(String(c))));
}

/** Text safe inside HTML. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

// One formatter for every date: toLocaleString builds a new one per call, too slow for a thousand rows.
const dateFormat = new Intl.DateTimeFormat(undefined, {year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'});

/** A date from the API (epoch seconds, or ISO text) as local date and time. */
export function fmtDate(v) {
  if (v === undefined || v === null || v === '') return '';
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
  if (isNaN(d)) return String(v);
  return dateFormat.format(d);
}

/** Elapsed time between two API dates, as 1.2 s or 3 min 4 s. */
export function fmtDuration(a, b) {
  const t = x => typeof x === 'number' ? x * 1000 : Date.parse(x);
  if (a === undefined || a === null) return '';
  const ms = (b === undefined || b === null ? Date.now() : t(b)) - t(a);
  if (!isFinite(ms)) return '';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** JSON text pretty-printed when it parses, as is otherwise. */
export function pretty(text) {
  if (text === undefined || text === null) return '';
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

/** Shows a short message in the corner for a few seconds (announced to screen readers). */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  const el = h('div', {class: kind}, message);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

/** Calls fn once input has paused for `ms`. */
export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

/** A status badge. */
export function badge(status) {
  return h('span', {class: `badge ${status}`}, status);
}

/** The last part of an ARN (the name), or the ARN. */
export function arnName(arn) {
  const parts = String(arn || '').split(':');
  return parts[parts.length - 1] || arn;
}
