// Draws a state machine as the Swift layout lays it out (the same SVG as `baton graph`), and makes it
// interactive: select a state by click or keyboard, colour states by status, zoom.
import {graph as fetchGraph} from './api.js';
import {h, fill} from './util.js';

/** The statuses an execution gives a state, with their legend colours. */
export const STATUSES = [
  ['succeeded', '#c8e6c9'], ['failed', '#ffcdd2'], ['caught', '#ffe0b2'], ['retried', '#fff9c4'],
  ['running', '#bbdefb'], ['aborted', '#d7ccc8'], ['not-reached', '#eceff1'],
];

/** A legend of the status colours. */
export function legend() {
  return h('div', {class: 'legend', 'aria-label': 'Legend'},
    STATUSES.map(([s, c]) => h('span', {style: `--c:${c}`}, s.replace('-', ' '))));
}

/**
 * A graph view in `container`. `onSelect(node)` is called when a state is chosen.
 * Returns {layout, svg, box, setStatuses(map name→status), select(id), update(definition)}.
 */
export async function drawGraph(container, definition, {onSelect, layout: given} = {}) {
  const box = h('div', {class: 'graph-box'});
  let zoom = 1;
  const zoomLabel = h('span', {class: 'muted', 'aria-live': 'polite'}, '100%');
  const tools = h('div', {class: 'graph-tools'},
    h('button', {type: 'button', title: 'Zoom out', 'aria-label': 'Zoom out', onclick: () => setZoom(zoom / 1.25)}, '−'),
    h('button', {type: 'button', title: 'Zoom in', 'aria-label': 'Zoom in', onclick: () => setZoom(zoom * 1.25)}, '+'),
    h('button', {type: 'button', title: 'Fit to the view', onclick: () => fit()}, 'Fit'),
    zoomLabel);
  const holder = h('div', {class: 'graph-holder'});
  box.append(tools, holder);
  fill(container, box);

  const view = {layout: null, svg: null, box, holder, selected: null, statuses: new Map(), byId: new Map()};

  function setZoom(z) {
    zoom = Math.min(3, Math.max(0.2, z));
    if (view.svg && view.layout) {
      view.svg.setAttribute('width', Math.round(view.layout.width * zoom));
      view.svg.setAttribute('height', Math.round(view.layout.height * zoom));
    }
    zoomLabel.textContent = `${Math.round(zoom * 100)}%`;
  }
  function fit() {
    if (!view.layout) return;
    const w = box.clientWidth - 8, hgt = Math.max(box.clientHeight - 40, 200);
    setZoom(Math.min(1, w / view.layout.width, hgt / view.layout.height));
  }

  function apply(layout) {
    view.layout = layout;
    view.byId = new Map(layout.nodes.map(n => [n.id, n]));
    holder.innerHTML = layout.svg;
    view.svg = holder.querySelector('svg');
    view.svg.setAttribute('role', 'group');
    view.svg.setAttribute('aria-label', `State machine graph with ${layout.nodes.filter(n => !['Start', 'End'].includes(n.type)).length} states`);
    setZoom(zoom);
    paint();
  }

  function paint() {
    if (!view.svg) return;
    for (const g of view.svg.querySelectorAll('g.node')) {
      const n = view.byId.get(g.dataset.id);
      g.classList.toggle('selected', g.dataset.id === view.selected);
      for (const [s] of STATUSES) g.classList.remove(`s-${s}`);
      if (view.statuses.size && n && !['Start', 'End', 'Missing'].includes(n.type)) {
        g.classList.add(`s-${view.statuses.get(n.name) || 'not-reached'}`);
      }
      if (n && !['Start', 'End'].includes(n.type)) {
        const status = view.statuses.get(n.name);
        g.setAttribute('role', 'button');
        g.setAttribute('aria-label', `${n.type} ${n.name}${status ? ', ' + status : ''}${n.diagnostics ? ', ' + n.diagnostics.length + ' problem(s)' : ''}`);
      }
    }
  }

  holder.addEventListener('click', e => {
    const g = e.target.closest('g.node');
    if (!g || !view.byId.has(g.dataset.id)) return;
    const n = view.byId.get(g.dataset.id);
    if (['Start', 'End'].includes(n.type)) return;
    view.select(n.id);
    onSelect?.(n);
  });
  holder.addEventListener('keydown', e => {
    const g = e.target.closest?.('g.node');
    if (g && ['ArrowDown', 'ArrowRight', 'ArrowUp', 'ArrowLeft'].includes(e.key)) {
      // Arrows walk the states in layout order, so a 200-state graph needn't be tabbed through.
      const all = [...view.svg.querySelectorAll('g.node[tabindex]')].sort((a, b) => {
        const ra = view.byId.get(a.dataset.id)?.rect, rb = view.byId.get(b.dataset.id)?.rect;
        return (ra?.y ?? 0) - (rb?.y ?? 0) || (ra?.x ?? 0) - (rb?.x ?? 0);
      });
      const i = all.indexOf(g) + (e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : -1);
      if (all[i]) { e.preventDefault(); all[i].focus(); }
      return;
    }
    if (!g || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    const n = view.byId.get(g.dataset.id);
    if (!n) return;
    view.select(n.id);
    onSelect?.(n);
  });

  view.select = id => { view.selected = id; paint(); };
  view.setStatuses = map => { view.statuses = map; paint(); };
  view.update = async def => apply(await fetchGraph(def));
  view.apply = apply;
  view.fit = fit;
  apply(given || await fetchGraph(definition));
  return view;
}
