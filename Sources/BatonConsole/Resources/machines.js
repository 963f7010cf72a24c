// State machines: the list, and one machine with its graph, definition, versions and executions.
import {call, listAll, drawing} from './api.js';
import {drawGraph} from './graph.js';
import {h, fill, fmtDate, badge, toast, arnName} from './util.js';

/** The list of state machines. */
export async function machinesPage(main) {
  fill(main, h('h1', {}, 'State machines'), h('p', {class: 'muted'}, 'Loading…'));
  const machines = await listAll('ListStateMachines', {}, 'stateMachines');
  const rows = machines.map(m => h('tr', {},
    h('td', {}, h('a', {href: `#/machines/${encodeURIComponent(m.stateMachineArn)}`}, m.name)),
    h('td', {}, m.type || 'STANDARD'),
    h('td', {}, fmtDate(m.creationDate)),
    h('td', {}, h('a', {href: `#/executions?machine=${encodeURIComponent(m.stateMachineArn)}`}, 'executions'))));
  fill(main, 
    h('div', {class: 'row'}, h('h1', {}, `State machines (${machines.length})`), h('span', {class: 'spacer'}),
      h('a', {class: 'button primary', href: '#/editor'}, 'Create state machine')),
    machines.length
      ? h('div', {class: 'table-box'}, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'),
          h('th', {}, 'Created'), h('th', {}, ''))), h('tbody', {}, rows)))
      : h('p', {class: 'muted'}, 'No state machines yet. Create one in the editor, or start baton serve with --definitions DIR.'));
}

/** Asks for an execution's name and input, starts it and opens it. */
export function startDialog(stateMachineArn) {
  const input = h('textarea', {rows: 10, 'aria-label': 'Input (JSON)', id: 'start-input'}, '{}');
  const name = h('input', {type: 'text', placeholder: '(generated)', 'aria-label': 'Execution name', id: 'start-name'});
  const error = h('p', {class: 'diag', role: 'alert'});
  const dialog = h('dialog', {'aria-label': 'Start execution'},
    h('form', {method: 'dialog'},
      h('h2', {}, 'Start execution'),
      h('label', {for: 'start-name'}, 'Name'), name,
      h('label', {for: 'start-input'}, 'Input (JSON)'), input, error,
      h('div', {class: 'row'}, h('span', {class: 'spacer'}),
        h('button', {type: 'button', onclick: () => dialog.close()}, 'Cancel'),
        h('button', {type: 'submit', class: 'primary', id: 'start-confirm'}, 'Start'))));
  dialog.querySelector('form').addEventListener('submit', async e => {
    e.preventDefault();
    try { JSON.parse(input.value); } catch (err) { error.textContent = `The input is not JSON: ${err.message}`; return; }
    try {
      const res = await call('StartExecution', {stateMachineArn, input: input.value, ...(name.value ? {name: name.value} : {})});
      dialog.close();
      dialog.remove();
      location.hash = `#/executions/${encodeURIComponent(res.executionArn)}`;
    } catch (err) { error.textContent = err.message; }
  });
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

/** One state machine: graph and definition side by side, versions, recent executions. */
export async function machinePage(main, arn) {
  fill(main, h('p', {class: 'muted'}, 'Loading…'));
  const m = await call('DescribeStateMachine', {stateMachineArn: arn});
  const definitionBox = h('pre', {id: 'definition', tabindex: '0', 'aria-label': 'Definition', style: 'max-height:calc(100vh - 240px)'}, prettyDef(m.definition));
  const graphBox = h('div', {id: 'machine-graph'});
  const versions = h('div', {}, h('p', {class: 'muted'}, 'Loading versions…'));
  const executions = h('div', {}, h('p', {class: 'muted'}, 'Loading executions…'));
  fill(main, 
    h('div', {class: 'row'},
      h('h1', {}, m.name), m.status ? h('span', {class: `badge ${m.status === 'ACTIVE' ? 'SUCCEEDED' : 'ABORTED'}`}, m.status) : null,
      h('span', {class: 'spacer'}),
      h('a', {class: 'button', href: `#/editor/${encodeURIComponent(arn)}`}, 'Edit'),
      h('button', {id: 'publish-version', onclick: publish}, 'Publish version'),
      h('button', {class: 'primary', id: 'start-execution', onclick: () => startDialog(arn)}, 'Start execution')),
    h('dl', {class: 'kv'}, h('dt', {}, 'ARN'), h('dd', {}, m.stateMachineArn), h('dt', {}, 'Type'), h('dd', {}, m.type || 'STANDARD'),
      h('dt', {}, 'Created'), h('dd', {}, fmtDate(m.creationDate)),
      m.revisionId ? [h('dt', {}, 'Revision'), h('dd', {}, m.revisionId)] : null),
    h('div', {class: 'split'}, h('div', {}, graphBox, h('p', {class: 'row muted'}, 'Download the graph as',
        [['svg', 'SVG'], ['dot', 'DOT'], ['mermaid', 'Mermaid']].map(([f, label]) =>
          h('button', {type: 'button', class: 'export', 'data-format': f, onclick: () => download(f)}, label)))),
      h('div', {}, h('h2', {}, 'Definition'), definitionBox)),
    h('div', {class: 'split'}, h('div', {}, h('h2', {}, 'Recent executions'), executions), h('div', {}, h('h2', {}, 'Versions'), versions)));
  await drawGraph(graphBox, m.definition);
  window.__batonReady = performance.now();
  async function download(format) {
    try {
      const text = await drawing(m.definition, format);
      const ext = {svg: 'svg', dot: 'dot', mermaid: 'mmd'}[format];
      const a = h('a', {href: URL.createObjectURL(new Blob([text], {type: 'text/plain'})), download: `${m.name}.${ext}`});
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) { toast(e.message, 'error'); }
  }
  async function publish() {
    try {
      const r = await call('PublishStateMachineVersion', {stateMachineArn: arn});
      toast(`Published version ${arnName(r.stateMachineVersionArn)}`);
      loadVersions();
    } catch (e) { toast(e.message, 'error'); }
  }
  const loadVersions = () => call('ListStateMachineVersions', {stateMachineArn: arn}).then(r => {
    const list = r.stateMachineVersions || [];
    fill(versions, list.length
      ? h('table', {}, h('tbody', {}, list.map(v => h('tr', {},
          h('td', {}, h('a', {class: 'version-link', href: `#/machines/${encodeURIComponent(v.stateMachineVersionArn)}`}, `Version ${arnName(v.stateMachineVersionArn)}`)),
          h('td', {}, fmtDate(v.creationDate))))))
      : h('p', {class: 'muted'}, 'No published versions.'));
  }).catch(e => fill(versions, h('p', {class: 'muted'}, `Versions unavailable (${e.type || e.message}).`)));
  loadVersions();
  call('ListExecutions', {stateMachineArn: arn, maxResults: 20}).then(r => {
    const list = r.executions || [];
    fill(executions, list.length
      ? h('table', {}, h('tbody', {}, list.map(x => h('tr', {},
          h('td', {}, h('a', {href: `#/executions/${encodeURIComponent(x.executionArn)}`}, x.name)),
          h('td', {}, badge(x.status)), h('td', {}, fmtDate(x.startDate))))))
      : h('p', {class: 'muted'}, 'No executions yet.'));
  }).catch(e => toast(e.message, 'error'));
}

function prettyDef(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}
