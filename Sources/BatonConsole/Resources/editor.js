// The editor: a palette of state types, drag to place, draw transitions, a form per state, the ASL JSON
// beside it kept in step both ways, the validator's diagnostics on the nodes as you type, Save and Start.
import {call, defaultRoleArn, graph as fetchGraph} from './api.js';
import {drawGraph} from './graph.js';
import {TYPE_COLOURS, addState, connect, deleteState, locate, renameState, siblings, idOf} from './asl.js';
import {startDialog} from './machines.js';
import {h, fill, toast, debounce} from './util.js';

const NEW_MACHINE = {Comment: 'A new state machine', StartAt: 'Hello', States: {Hello: {Type: 'Pass', End: true}}};

export async function editorPage(main, arn) {
  let def = JSON.parse(JSON.stringify(NEW_MACHINE));
  let name = '';
  let machineArn = arn || null;
  if (machineArn) {
    const m = await call('DescribeStateMachine', {stateMachineArn: machineArn});
    def = JSON.parse(m.definition);
    name = m.name;
  }
  let selected = null;
  let layout = null;

  const nameInput = h('input', {type: 'text', id: 'machine-name', value: name, placeholder: 'state machine name', 'aria-label': 'State machine name',
    disabled: !!machineArn, required: true, pattern: '[A-Za-z0-9_-]{1,80}'});
  const saveButton = h('button', {class: 'primary', id: 'save', onclick: save}, machineArn ? 'Save' : 'Create');
  const startButton = h('button', {id: 'start', disabled: !machineArn, onclick: () => startDialog(machineArn)}, 'Start execution');
  const saved = h('span', {class: 'muted', id: 'save-state', 'aria-live': 'polite'}, machineArn ? 'saved' : 'not saved');
  const palette = h('div', {class: 'palette', role: 'toolbar', 'aria-label': 'State types: drag onto the graph, or press to add after the selected state'},
    h('strong', {}, 'States'),
    Object.keys(TYPE_COLOURS).map(type => h('button', {type: 'button', draggable: 'true', style: `--c:${TYPE_COLOURS[type]}`,
      'data-type': type, id: `palette-${type}`, title: `Add a ${type} state`,
      ondragstart: e => { e.dataTransfer.setData('text/x-baton-state', type); e.dataTransfer.setData('text/plain', type); },
      onclick: () => insert(type, selected ? {after: selected, scopeId: locate(def, selected)?.scopeId ?? ''} : {})}, type)),
    h('p', {class: 'muted', style: 'font-size:12px'},
      'Drag a type onto a state (after it), an arrow (into it) or a branch. Drag from one state to another to draw a transition; hold Alt for a Catch. Delete removes the selected state.'));
  const canvas = h('div', {id: 'editor-canvas', style: 'height:100%'});
  const diagnostics = h('ul', {class: 'diag-list', id: 'diagnostics', 'aria-live': 'polite'});
  const form = h('div', {class: 'form-grid', id: 'state-form'});
  const asl = h('textarea', {class: 'asl', id: 'asl', spellcheck: 'false', 'aria-label': 'Definition (Amazon States Language JSON)'});
  const aslError = h('p', {class: 'diag', id: 'asl-error', role: 'alert'});
  fill(main, 
    h('div', {class: 'row'}, h('h1', {}, machineArn ? `Edit ${name}` : 'New state machine'), nameInput,
      h('label', {class: 'row'}, 'Query language',
        h('select', {id: 'query-language', onchange: e => { if (e.target.value === 'JSONata') def.QueryLanguage = 'JSONata'; else delete def.QueryLanguage; changed(); }},
          ['JSONPath', 'JSONata'].map(l => h('option', {value: l, selected: (def.QueryLanguage || 'JSONPath') === l}, l)))),
      h('span', {class: 'spacer'}), saved, saveButton, startButton),
    h('div', {class: 'editor'}, palette, canvas,
      h('div', {class: 'side'}, h('div', {class: 'panel'}, h('strong', {}, 'Problems'), diagnostics),
        h('div', {class: 'panel'}, form),
        h('div', {class: 'panel', style: 'display:flex;flex-direction:column;min-height:300px'}, h('strong', {}, 'Definition'), asl, aslError))));

  const view = await drawGraph(canvas, def, {onSelect: n => { if (n.type !== 'Missing') { selected = n.id; renderForm(); } }});
  view.box.style.maxHeight = 'none';
  view.box.style.height = '100%';

  // ---- keeping graph, form, JSON and diagnostics in step ----
  let version = 0;
  async function relayout() {
    const mine = ++version;
    try {
      const l = await fetchGraph(def);
      if (mine !== version) return;
      layout = l;
      view.apply(l);
      decorate();
      if (selected && !l.nodes.some(n => n.id === selected)) selected = null;
      view.select(selected);
      renderDiagnostics();
    } catch (e) { aslError.textContent = e.message; }
  }
  const relayoutSoon = debounce(relayout, 150);
  function changed({fromText = false, form: rerenderForm = true} = {}) {
    if (!fromText) { asl.value = JSON.stringify(def, null, 2); aslError.textContent = ''; }
    saved.textContent = 'not saved';
    relayoutSoon();
    if (rerenderForm) renderForm();
  }
  asl.addEventListener('input', debounce(() => {
    try {
      const parsed = JSON.parse(asl.value);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the definition must be a JSON object');
      def = parsed;
      aslError.textContent = '';
      changed({fromText: true});
    } catch (e) { aslError.textContent = `Not applied: ${e.message}`; }
  }, 300));

  // Diagnostics come from ValidateStateMachineDefinition, as the API will judge the definition on Save;
  // each is put on the state its location points into (the graph's own diagnostics when the call fails).
  let validation = 0;
  async function renderDiagnostics() {
    const mine = ++validation;
    let items;
    try {
      const r = await call('ValidateStateMachineDefinition', {definition: JSON.stringify(def), type: 'STANDARD'});
      items = (r.diagnostics || []).map(d => ({...d, node: nodeAt(d.location)}));
    } catch {
      items = [];
      for (const n of layout?.nodes || []) for (const d of n.diagnostics || []) items.push({...d, node: n});
      for (const d of layout?.diagnostics || []) items.push({...d, node: null});
    }
    if (mine !== validation) return;
    for (const g of view.svg?.querySelectorAll('g.node') || []) g.classList.remove('invalid');
    for (const d of items) if (d.node) view.svg?.querySelector(`g.node[data-id="${CSS.escape(d.node.id)}"]`)?.classList.add('invalid');
    fill(diagnostics, items.length ? items.map(d => h('li', {class: d.severity === 'WARNING' ? 'muted' : null},
      d.node ? h('a', {href: '#', onclick: e => { e.preventDefault(); selected = d.node.id; view.select(d.node.id); renderForm(); }}, d.node.name) : (d.location || '/'),
      ` ${d.code}: ${d.message}`)) : [h('li', {class: 'muted', style: 'color:var(--ok);list-style:none'}, 'No problems.')]);
  }
  /** The deepest state whose pointer the location starts with. */
  function nodeAt(location) {
    if (!location) return null;
    let best = null;
    for (const n of layout?.nodes || []) {
      if (n.type === 'Start' || n.type === 'End' || n.type === 'Missing') continue;
      if ((location === n.id || location.startsWith(n.id + '/') || location.startsWith(n.id + '[')) && (!best || n.id.length > best.id.length)) best = n;
    }
    return best;
  }

  // ---- palette drops and transitions drawn on the graph ----
  function decorate() {
    for (const p of view.svg.querySelectorAll('g.edge path')) {
      const hit = p.cloneNode();
      hit.setAttribute('class', 'hit');
      hit.removeAttribute('marker-end');
      hit.setAttribute('style', 'stroke:transparent;stroke-width:14;fill:none');
      p.parentNode.append(hit);
    }
  }
  decorate();
  renderDiagnostics();
  function targetAt(x, y) {
    const el = document.elementFromPoint(x, y);
    const node = el?.closest?.('g.node');
    if (node && view.byId.get(node.dataset.id) && !['Start', 'End', 'Missing'].includes(node.dataset.type)) {
      const n = view.byId.get(node.dataset.id);
      // Dropping on a group's own contents area counts as its frame.
      if (!n.group) return {kind: 'node', el: node, id: node.dataset.id};
    }
    const edge = el?.closest?.('g.edge');
    if (edge) return {kind: 'edge', el: edge, from: edge.dataset.from, to: edge.dataset.to};
    const label = el?.closest?.('g.label');
    if (label) return {kind: 'edge', el: view.svg.querySelector(`g.edge[data-from="${CSS.escape(label.dataset.from)}"][data-to="${CSS.escape(label.dataset.to)}"]`) || label, from: label.dataset.from, to: label.dataset.to};
    const frame = el?.closest?.('g.frame');
    if (frame) return {kind: 'frame', el: frame, scopeId: frame.dataset.id};
    if (node) return {kind: 'node', el: node, id: node.dataset.id};
    return {kind: 'canvas', el: null};
  }
  let highlighted = null;
  function highlight(t) {
    highlighted?.classList.remove('drop-target');
    highlighted = t?.el || null;
    highlighted?.classList.add('drop-target');
  }
  const holder = view.holder;
  const dropZone = view.box;
  dropZone.addEventListener('dragover', e => { e.preventDefault(); highlight(targetAt(e.clientX, e.clientY)); });
  dropZone.addEventListener('dragleave', () => highlight(null));
  dropZone.addEventListener('drop', e => {
    e.preventDefault();
    highlight(null);
    const type = e.dataTransfer.getData('text/x-baton-state') || e.dataTransfer.getData('text/plain');
    if (!TYPE_COLOURS[type]) return;
    dropAt(type, targetAt(e.clientX, e.clientY));
  });
  function dropAt(type, t) {
    if (t.kind === 'node') insert(type, {after: t.id, scopeId: locate(def, t.id)?.scopeId ?? ''});
    else if (t.kind === 'edge') insert(type, {edge: {from: t.from, to: t.to}, scopeId: scopeOfEdge(t)});
    else if (t.kind === 'frame') insert(type, {scopeId: t.scopeId});
    else insert(type, {});
  }
  function scopeOfEdge(t) {
    const id = t.from.startsWith('#') ? t.to : t.from;
    return id.startsWith('#') ? '' : id.slice(0, id.lastIndexOf('/States/'));
  }
  function insert(type, where) {
    const id = addState(def, type, where);
    if (!id) return;
    selected = id;
    changed();
    toast(`Added ${type} "${id.slice(id.lastIndexOf('/') + 1)}"`);
  }
  // Expose the drop for tests and assistive tools that can't drag: window.batonEditor.drop('Map', {...}).
  window.batonEditor = {
    drop: (type, where) => insert(type, where),
    connect: (from, to, options) => { if (connect(def, from, to, options)) changed(); },
    definition: () => JSON.parse(JSON.stringify(def)),
    select: id => { selected = id; view.select(id); renderForm(); },
  };

  let drag = null;
  holder.addEventListener('pointerdown', e => {
    const g = e.target.closest('g.node');
    if (!g || e.button !== 0 || ['Start', 'End', 'Missing'].includes(g.dataset.type)) return;
    drag = {from: g.dataset.id, x: e.clientX, y: e.clientY, line: null, alt: e.altKey};
  });
  holder.addEventListener('pointermove', e => {
    if (!drag) return;
    if (!drag.line && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < 6) return;
    const pt = svgPoint(e);
    const n = view.byId.get(drag.from);
    if (!drag.line) {
      drag.line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
      drag.line.setAttribute('stroke', '#ff9900');
      drag.line.setAttribute('stroke-width', '2.5');
      drag.line.setAttribute('stroke-dasharray', '6 3');
      drag.line.setAttribute('pointer-events', 'none');
      drag.line.setAttribute('x1', n.rect.x + n.rect.width / 2);
      drag.line.setAttribute('y1', n.rect.y + n.rect.height / 2);
      view.svg.append(drag.line);
    }
    drag.line.setAttribute('x2', pt.x);
    drag.line.setAttribute('y2', pt.y);
    const t = targetAt(e.clientX, e.clientY);
    highlight(t.kind === 'node' && t.id !== drag.from ? t : null);
  });
  window.addEventListener('pointerup', e => {
    if (!drag) return;
    const d = drag;
    drag = null;
    highlight(null);
    if (!d.line) return;
    d.line.remove();
    const t = targetAt(e.clientX, e.clientY);
    if (t.kind === 'node' && t.id !== d.from) {
      if (connect(def, d.from, t.id, {asCatch: e.altKey || d.alt})) { selected = d.from; changed(); }
      else toast('No transition can go there (different scope, or a Succeed/Fail state).', 'error');
    }
  });
  function svgPoint(e) {
    const r = view.svg.getBoundingClientRect();
    const scale = view.layout.width / r.width;
    return {x: (e.clientX - r.left) * scale, y: (e.clientY - r.top) * scale};
  }
  document.addEventListener('keydown', e => {
    if (e.key !== 'Delete' || !selected || !main.contains(document.activeElement) || document.activeElement.closest('#state-form,textarea,input,select')) return;
    if (deleteState(def, selected)) { selected = null; changed(); }
  });

  // ---- the form of the selected state ----
  function renderForm() {
    const at = selected && locate(def, selected);
    if (!at) {
      fill(form, h('strong', {}, 'State'), h('p', {class: 'muted'}, 'Select a state in the graph (click, or Tab to it and press Enter) to edit its fields.'));
      return;
    }
    const s = at.state;
    const jsonata = (s.QueryLanguage || def.QueryLanguage) === 'JSONata';
    const names = siblings(def, selected).filter(n => n !== at.name);
    const rows = [];
    const fid = key => `field-${key.replace(/[^A-Za-z0-9]/g, '')}`;
    const text = (key, label = key, placeholder = '') => {
      rows.push(h('label', {for: fid(key)}, label), h('input', {type: 'text', id: fid(key), value: s[key] ?? '', placeholder,
        onchange: e => { if (e.target.value === '') delete s[key]; else s[key] = e.target.value; changed({form: false}); }}));
    };
    const number = (key, label = key) => {
      rows.push(h('label', {for: fid(key)}, label), h('input', {type: 'number', id: fid(key), value: s[key] ?? '', min: 0,
        onchange: e => { if (e.target.value === '') delete s[key]; else s[key] = Number(e.target.value); changed({form: false}); }}));
    };
    const json = (key, label = key, placeholder = '') => {
      const area = h('textarea', {id: fid(key), rows: 3, placeholder, spellcheck: 'false'}, s[key] === undefined ? '' : JSON.stringify(s[key], null, 2));
      const err = h('span', {class: 'diag'});
      area.addEventListener('change', () => {
        if (area.value.trim() === '') { delete s[key]; err.textContent = ''; area.removeAttribute('aria-invalid'); changed({form: false}); return; }
        try { s[key] = JSON.parse(area.value); err.textContent = ''; area.removeAttribute('aria-invalid'); changed({form: false}); }
        catch (e) { err.textContent = `Not JSON: ${e.message}`; area.setAttribute('aria-invalid', 'true'); }
      });
      rows.push(h('label', {for: fid(key)}, label), area, err);
    };
    const target = (key, label, allowEnd) => {
      const value = key === 'Next' ? (s.Next ?? '') : (s[key] ?? '');
      rows.push(h('label', {for: fid(key)}, label), h('select', {id: fid(key), onchange: e => {
        if (key === 'Next') { if (e.target.value) { s.Next = e.target.value; delete s.End; } else { delete s.Next; s.End = true; } }
        else if (e.target.value) s[key] = e.target.value; else delete s[key];
        changed();
      }}, h('option', {value: ''}, allowEnd ? '(end)' : '(none)'), names.map(n => h('option', {value: n, selected: n === value}, n))));
    };

    const nameField = h('input', {type: 'text', id: 'field-name', value: at.name, onchange: e => {
      const id = renameState(def, selected, e.target.value.trim());
      if (id) { selected = id; changed(); } else { e.target.value = at.name; toast('That name is empty or already used.', 'error'); }
    }});
    rows.push(h('div', {class: 'row'}, h('strong', {}, `${s.Type} state`), h('span', {class: 'spacer'}),
      h('button', {type: 'button', class: 'danger', id: 'delete-state', onclick: () => { deleteState(def, selected); selected = null; changed(); }}, 'Delete')));
    rows.push(h('label', {for: 'field-name'}, 'Name'), nameField);
    text('Comment');
    rows.push(h('label', {for: 'field-QueryLanguage'}, 'Query language'), h('select', {id: 'field-QueryLanguage', onchange: e => {
      if (e.target.value) s.QueryLanguage = e.target.value; else delete s.QueryLanguage; changed();
    }}, h('option', {value: ''}, '(as the machine)'), ['JSONPath', 'JSONata'].map(l => h('option', {value: l, selected: s.QueryLanguage === l}, l))));
    const flows = !['Choice', 'Succeed', 'Fail'].includes(s.Type);
    if (flows) target('Next', 'Next state', true);
    switch (s.Type) {
      case 'Task':
        text('Resource', 'Resource (ARN)', 'arn:aws:states:::lambda:invoke');
        if (jsonata) json('Arguments'); else json('Parameters');
        number('TimeoutSeconds'); number('HeartbeatSeconds');
        break;
      case 'Pass':
        json('Result');
        if (!jsonata) json('Parameters');
        break;
      case 'Choice':
        json('Choices', 'Choices (rules)');
        target('Default', 'Default state', false);
        rows.push(ruleAdder(names));
        break;
      case 'Wait':
        if (jsonata) { text('Seconds', 'Seconds (number or {% %})'); text('Timestamp'); }
        else { number('Seconds'); text('Timestamp'); text('SecondsPath'); text('TimestampPath'); }
        break;
      case 'Fail':
        text('Error'); text('Cause');
        if (!jsonata) { text('ErrorPath'); text('CausePath'); }
        break;
      case 'Parallel':
        rows.push(h('p', {class: 'muted'}, `${(s.Branches || []).length} branches: select their states in the graph.`),
          h('button', {type: 'button', id: 'add-branch', onclick: () => {
            const n = (s.Branches || []).length + 1;
            const step = `Branch ${n} step`.replace(/^/, '');
            const fresh = Object.keys(def.States).includes(step) ? `${step} (${at.name})` : step;
            s.Branches = [...(s.Branches || []), {StartAt: fresh, States: {[fresh]: {Type: 'Pass', End: true}}}];
            changed();
          }}, 'Add branch'));
        if (jsonata) json('Arguments'); else json('Parameters');
        break;
      case 'Map': {
        if (jsonata) text('Items', 'Items ({% %} or JSON)'); else text('ItemsPath');
        json('ItemSelector');
        number('MaxConcurrency'); number('ToleratedFailurePercentage'); number('ToleratedFailureCount');
        const proc = s.ItemProcessor || s.Iterator;
        if (proc) {
          rows.push(h('label', {for: 'field-mode'}, 'Processor mode'), h('select', {id: 'field-mode', onchange: e => {
            proc.ProcessorConfig = {...(proc.ProcessorConfig || {}), Mode: e.target.value}; changed();
          }}, ['INLINE', 'DISTRIBUTED'].map(m => h('option', {value: m, selected: (proc.ProcessorConfig?.Mode || 'INLINE') === m}, m))));
        }
        break;
      }
    }
    if (!['Choice', 'Succeed', 'Fail', 'Wait'].includes(s.Type) && !jsonata) { text('InputPath'); text('ResultPath'); json('ResultSelector'); text('OutputPath'); }
    else if (!jsonata && s.Type !== 'Fail') { text('InputPath'); text('OutputPath'); }
    if (jsonata && s.Type !== 'Fail') json('Output');
    if (s.Type !== 'Fail' && s.Type !== 'Succeed') json('Assign', 'Assign (variables)');
    if (['Task', 'Parallel', 'Map'].includes(s.Type)) {
      json('Retry', 'Retry', '[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2}]');
      json('Catch', 'Catch', '[{"ErrorEquals": ["States.ALL"], "Next": "Handler"}]');
      rows.push(catchAdder(names));
    }
    fill(form, ...rows);

    function ruleAdder(choices) {
      const sel = h('select', {id: 'rule-target', 'aria-label': 'Target of the new rule'}, choices.map(n => h('option', {value: n}, n)));
      return h('div', {class: 'row', style: 'margin-top:6px'}, 'Add rule to', sel, h('button', {type: 'button', id: 'add-rule', onclick: () => {
        if (sel.value && connect(def, selected, idOf(at.scopeId, sel.value))) changed();
      }}, 'Add'));
    }
    function catchAdder(choices) {
      const sel = h('select', {id: 'catch-target', 'aria-label': 'Target of the new catcher'}, choices.map(n => h('option', {value: n}, n)));
      return h('div', {class: 'row', style: 'margin-top:6px'}, 'Catch States.ALL to', sel, h('button', {type: 'button', id: 'add-catch', onclick: () => {
        if (sel.value && connect(def, selected, idOf(at.scopeId, sel.value), {asCatch: true})) changed();
      }}, 'Add'));
    }
  }

  // ---- save and start ----
  async function save() {
    const definition = JSON.stringify(def, null, 2);
    try {
      if (machineArn) {
        await call('UpdateStateMachine', {stateMachineArn: machineArn, definition});
      } else {
        if (!nameInput.value || !nameInput.checkValidity()) { toast('Give the state machine a name (letters, digits, - and _).', 'error'); nameInput.focus(); return; }
        const res = await call('CreateStateMachine', {name: nameInput.value, definition, roleArn: defaultRoleArn, type: 'STANDARD'});
        machineArn = res.stateMachineArn;
        nameInput.disabled = true;
        saveButton.textContent = 'Save';
        startButton.disabled = false;
        history.replaceState(null, '', `#/editor/${encodeURIComponent(machineArn)}`);
      }
      saved.textContent = 'saved';
      toast('Saved');
    } catch (e) {
      saved.textContent = 'not saved';
      toast(e.message, 'error');
    }
  }

  asl.value = JSON.stringify(def, null, 2);
  layout = view.layout;
  renderDiagnostics();
  renderForm();
  window.__batonReady = performance.now();
}
