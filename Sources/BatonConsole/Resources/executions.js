// Executions: the list (status filter, name search) and one execution, live, coloured by what happened.
import {call, listAll, credentials} from './api.js';
import {drawGraph, legend} from './graph.js';
import {deriveStates, statusMap, details} from './history.js';
import {h, fill, esc, fmtDate, fmtDuration, badge, toast, pretty, debounce, arnName} from './util.js';

const STATUS_FILTERS = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** The list of executions, of one machine or of all. */
export async function executionsPage(main, params) {
  const machineArn = params.get('machine') || '';
  const status = params.get('status') || '';
  const query = params.get('q') || '';
  const machines = await listAll('ListStateMachines', {}, 'stateMachines');
  const machineSelect = h('select', {id: 'filter-machine', 'aria-label': 'State machine'},
    h('option', {value: ''}, 'All state machines'),
    machines.map(m => h('option', {value: m.stateMachineArn, selected: m.stateMachineArn === machineArn}, m.name)));
  const statusSelect = h('select', {id: 'filter-status', 'aria-label': 'Status'},
    STATUS_FILTERS.map(s => h('option', {value: s, selected: s === status}, s || 'Any status')));
  const search = h('input', {type: 'search', id: 'filter-name', placeholder: 'Search by name', 'aria-label': 'Search by name', value: query});
  const count = h('span', {class: 'muted', 'aria-live': 'polite'});
  const tbody = h('tbody', {id: 'executions-body'});
  fill(main, 
    h('h1', {}, 'Executions'),
    h('div', {class: 'row status-filter'}, machineSelect, statusSelect, search, count),
    h('div', {class: 'table-box'}, h('table', {}, h('thead', {}, h('tr', {},
      h('th', {}, 'Name'), h('th', {}, 'State machine'), h('th', {}, 'Status'), h('th', {}, 'Started'), h('th', {}, 'Duration'))), tbody)));
  const navigate = () => {
    const p = new URLSearchParams();
    if (machineSelect.value) p.set('machine', machineSelect.value);
    if (statusSelect.value) p.set('status', statusSelect.value);
    if (search.value) p.set('q', search.value);
    history.replaceState(null, '', `#/executions?${p}`);
  };
  machineSelect.addEventListener('change', () => { navigate(); executionsPage(main, new URLSearchParams(location.hash.split('?')[1] || '')); });
  statusSelect.addEventListener('change', () => { navigate(); executionsPage(main, new URLSearchParams(location.hash.split('?')[1] || '')); });

  const targets = machineArn ? machines.filter(m => m.stateMachineArn === machineArn) : machines;
  const lists = await Promise.all(targets.map(m =>
    listAll('ListExecutions', {stateMachineArn: m.stateMachineArn, ...(status ? {statusFilter: status} : {})}, 'executions', 5000)
      .catch(e => { toast(e.message, 'error'); return []; })));
  const all = lists.flat().sort((a, b) => (b.startDate > a.startDate ? 1 : b.startDate < a.startDate ? -1 : 0));
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const shown = q ? all.filter(x => x.name.toLowerCase().includes(q)) : all;
    count.textContent = `${shown.length} of ${all.length}`;
    // One string for the whole table: a thousand rows paint at once.
    tbody.innerHTML = shown.map(x => `<tr><td><a href="#/executions/${encodeURIComponent(x.executionArn)}">${esc(x.name)}</a></td>` +
      `<td>${esc(arnName(x.stateMachineArn))}</td><td><span class="badge ${esc(x.status)}">${esc(x.status)}</span></td>` +
      `<td>${esc(fmtDate(x.startDate))}</td><td>${esc(fmtDuration(x.startDate, x.stopDate))}</td></tr>`).join('');
  };
  search.addEventListener('input', debounce(() => { navigate(); render(); }, 120));
  render();
  window.__batonReady = performance.now();
}

/** One execution: its graph coloured by state status, state details, history; live while running. */
export async function executionPage(main, arn, cleanup) {
  fill(main, h('p', {class: 'muted'}, 'Loading…'));
  let execution = await call('DescribeExecution', {executionArn: arn});
  let machine;
  try { machine = await call('DescribeStateMachineForExecution', {executionArn: arn}); }
  catch { machine = await call('DescribeStateMachine', {stateMachineArn: execution.stateMachineArn}); }
  let events = [];
  let selected = null;    // state name
  let iteration = null;   // "Map#3"

  const header = h('div', {class: 'row'});
  const summary = h('dl', {class: 'kv'});
  const graphBox = h('div', {class: 'exec-graph', id: 'execution-graph'});
  const iterationBar = h('div', {class: 'row'});
  const side = h('div', {class: 'panel', id: 'state-panel', 'aria-live': 'polite'});
  const historyBody = h('tbody', {});
  fill(main, header, summary,
    h('div', {class: 'split'}, h('div', {}, legend(), iterationBar, graphBox), side),
    h('h2', {}, 'Events'),
    h('div', {class: 'table-box history'}, h('table', {id: 'history-table'}, h('thead', {}, h('tr', {},
      h('th', {}, 'ID'), h('th', {}, 'Type'), h('th', {}, 'State'), h('th', {}, 'Time'), h('th', {}, 'Details'))), historyBody)));

  const view = await drawGraph(graphBox, machine.definition, {onSelect: n => { selected = n.name; renderSide(); }});
  let derived = {byName: new Map(), iterations: new Map()};

  // The header is built once and updated in place: live updates never take the focus from its buttons.
  const statusBadge = h('span', {class: 'badge'});
  const stopButton = h('button', {class: 'danger', id: 'stop-execution', onclick: () => stop()}, 'Stop');
  const redriveButton = h('button', {id: 'redrive-execution', onclick: () => redrive()}, 'Redrive');
  fill(header, h('h1', {}, execution.name), h('span', {id: 'execution-status'}, statusBadge), h('span', {class: 'spacer'}),
    h('a', {class: 'button', href: `#/machines/${encodeURIComponent(execution.stateMachineArn)}`}, arnName(execution.stateMachineArn)),
    stopButton, redriveButton);
  function renderHeader() {
    statusBadge.className = `badge ${execution.status}`;
    statusBadge.textContent = execution.status;
    stopButton.disabled = execution.status !== 'RUNNING';
    redriveButton.disabled = !['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status);
    fill(summary,
      h('dt', {}, 'Started'), h('dd', {}, fmtDate(execution.startDate)),
      h('dt', {}, 'Duration'), h('dd', {}, fmtDuration(execution.startDate, execution.stopDate)),
      execution.redriveCount ? [h('dt', {}, 'Redriven'), h('dd', {}, `${execution.redriveCount} time(s)`)] : null,
      execution.error ? [h('dt', {}, 'Error'), h('dd', {class: 'diag'}, `${execution.error}${execution.cause ? ': ' + execution.cause : ''}`)] : null);
  }

  function renderSide() {
    markRows();
    const s = selected && derived.byName.get(selected);
    if (!selected) {
      fill(side, h('h2', {}, 'Execution'), h('label', {}, 'Input'), h('pre', {}, pretty(execution.input)),
        execution.output !== undefined ? [h('label', {}, 'Output'), h('pre', {id: 'execution-output'}, pretty(execution.output))] : null,
        h('p', {class: 'muted'}, 'Choose a state in the graph (click, or Tab and Enter) to see its input, output and error.'));
      return;
    }
    if (!s) {
      fill(side, h('h2', {}, selected), h('p', {}, badge('not reached')), h('p', {class: 'muted'}, 'This state was not reached.'));
      return;
    }
    const last = s.visits[s.visits.length - 1];
    fill(side, 
      h('h2', {}, selected), h('p', {id: 'state-status'}, h('span', {class: `badge state-${s.status}`}, s.status),
        s.visits.length > 1 ? h('span', {class: 'muted'}, `  ${s.visits.length} visits`) : null),
      s.visits.length > 1 ? h('label', {}, 'Visit', h('select', {onchange: e => showVisit(s.visits[+e.target.value])},
        s.visits.map((v, i) => h('option', {value: i, selected: v === last}, `${i + 1}${v.iteration ? ' (' + v.iteration.replace('#', ' iteration ') + ')' : ''} · ${v.status}`)))) : null,
      h('div', {id: 'visit'}));
    showVisit(last);
  }

  function showVisit(v) {
    const box = side.querySelector('#visit');
    fill(box, 
      h('label', {}, 'Input'), h('pre', {class: 'state-input'}, pretty(v.input)),
      v.output !== undefined ? [h('label', {}, 'Output'), h('pre', {class: 'state-output'}, pretty(v.output))] : null,
      v.error ? [h('label', {}, 'Error'), h('pre', {class: 'state-error'}, v.error)] : null,
      v.cause ? [h('label', {}, 'Cause'), h('pre', {class: 'state-cause'}, pretty(v.cause))] : null,
      v.failures.length > 1 ? h('p', {class: 'muted'}, `${v.failures.length} failed attempts`) : null);
  }

  function renderIterations() {
    if (!derived.iterations.size) { fill(iterationBar, ); return; }
    fill(iterationBar, ...[...derived.iterations].map(([name, set]) => {
      const sel = h('select', {'aria-label': `Iterations of ${name}`, onchange: e => { iteration = e.target.value || null; recolour(); }},
        h('option', {value: ''}, `all ${set.size} iterations`),
        [...set].sort((a, b) => a - b).map(i => h('option', {value: `${name}#${i}`, selected: iteration === `${name}#${i}`}, `iteration ${i}`)));
      return h('label', {class: 'row'}, `Iterations of ${name}:`, sel);
    }));
  }

  function recolour() {
    derived = deriveStates(events, execution.status, iteration);
    view.setStatuses(statusMap(derived));
    renderSide();
  }
  /** The history rows of the selected state stand out. */
  function markRows() {
    for (const tr of historyBody.children) tr.classList.toggle('selected', !!selected && tr.dataset.state === selected);
  }

  function renderHistory() {
    historyBody.innerHTML = events.map(e => {
      const d = details(e);
      const rest = {...d};
      delete rest.name;
      const text = Object.keys(rest).length ? JSON.stringify(rest) : '';
      return `<tr data-state="${esc(d.name || '')}" tabindex="0"><td>${e.id}</td><td>${esc(e.type)}</td><td>${esc(d.name || '')}</td>` +
        `<td>${esc(fmtDate(e.timestamp))}</td><td><pre>${esc(text.length > 400 ? text.slice(0, 400) + '…' : text)}</pre></td></tr>`;
    }).join('');
    markRows();
  }
  historyBody.addEventListener('click', e => pickRow(e.target.closest('tr')));
  historyBody.addEventListener('keydown', e => { if (e.key === 'Enter') pickRow(e.target.closest('tr')); });
  function pickRow(tr) {
    if (!tr || !tr.dataset.state || !view.layout) return;
    const node = view.layout.nodes.find(n => n.name === tr.dataset.state);
    selected = tr.dataset.state;
    if (node) view.select(node.id);
    renderSide();
  }

  async function refresh() {
    execution = await call('DescribeExecution', {executionArn: arn});
    events = await listAll('GetExecutionHistory', {executionArn: arn, includeExecutionData: true}, 'events', 25000);
    renderHeader();
    recolour();
    renderIterations();
    renderHistory();
    if (execution.status !== 'RUNNING') stopWatching();
  }

  // Live updates: server-sent events when the server offers them, polling otherwise.
  let source = null, timer = null, busy = false;
  const kick = async () => {
    if (busy) return;
    busy = true;
    try { await refresh(); } catch (e) { toast(e.message, 'error'); } finally { busy = false; }
  };
  function watch() {
    if (execution.status !== 'RUNNING' || source || timer) return;
    if (window.EventSource && !credentials()) {
      source = new EventSource(`/console/api/watch?executionArn=${encodeURIComponent(arn)}`);
      source.addEventListener('change', kick);
      source.onerror = () => { source?.close(); source = null; if (execution.status === 'RUNNING') timer = setInterval(kick, 1000); };
    } else {
      timer = setInterval(kick, 1000);
    }
  }
  function stopWatching() {
    source?.close(); source = null;
    if (timer) clearInterval(timer);
    timer = null;
  }
  cleanup(stopWatching);

  async function stop() {
    try { await call('StopExecution', {executionArn: arn}); toast('Stopping…'); await kick(); } catch (e) { toast(e.message, 'error'); }
  }
  async function redrive() {
    try { await call('RedriveExecution', {executionArn: arn}); toast('Redriven'); await kick(); watch(); } catch (e) { toast(e.message, 'error'); }
  }

  await refresh();
  window.__batonReady = performance.now();
  watch();
}
