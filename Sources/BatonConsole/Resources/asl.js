// Editing operations on an Amazon States Language definition (plain objects), addressed by the graph's
// node ids: JSON pointers as the validator writes them (/States/P/Branches[0]/States/A).

/** A new state of each type, as the palette adds it. */
export const TEMPLATES = {
  Task: () => ({Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: undefined,
    Parameters: {FunctionName: 'my-function', 'Payload.$': '$'}}),
  Pass: () => ({Type: 'Pass'}),
  Choice: () => ({Type: 'Choice', Choices: []}),
  Wait: () => ({Type: 'Wait', Seconds: 5}),
  Succeed: () => ({Type: 'Succeed'}),
  Fail: () => ({Type: 'Fail', Error: 'Failed', Cause: 'Something went wrong'}),
  Parallel: () => ({Type: 'Parallel', Branches: [
    {StartAt: 'Branch 1 step', States: {'Branch 1 step': {Type: 'Pass', End: true}}},
    {StartAt: 'Branch 2 step', States: {'Branch 2 step': {Type: 'Pass', End: true}}}]}),
  Map: () => ({Type: 'Map', ItemsPath: '$.items', ItemProcessor: {ProcessorConfig: {Mode: 'INLINE'},
    StartAt: 'Process item', States: {'Process item': {Type: 'Pass', End: true}}}}),
};

/** The palette's colours (as the graph's). */
export const TYPE_COLOURS = {Task: '#2f6fb3', Pass: '#6c757d', Choice: '#b86e00', Wait: '#7b4bb7', Succeed: '#2e7d32',
  Fail: '#c62828', Parallel: '#00796b', Map: '#3949ab'};

/** Splits a node id or scope id into steps: ["States","A","Branches[0]","States","B"]. */
function steps(pointer) {
  return pointer.split('/').slice(1);
}

/** The scope object (with StartAt/States) that a scope id names ("" is the machine). */
export function scopeAt(def, scopeId) {
  let obj = def;
  const parts = steps(scopeId);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === 'States') { obj = obj?.States?.[parts[++i]]; continue; }
    const m = /^Branches\[(\d+)\]$/.exec(p);
    if (m) { obj = obj?.Branches?.[+m[1]]; continue; }
    obj = obj?.[p];
  }
  return obj;
}

/** {scope, scopeId, name, state} for a node id, or null. */
export function locate(def, id) {
  const i = id.lastIndexOf('/States/');
  if (i < 0) return null;
  const scopeId = id.slice(0, i), name = id.slice(i + 8);
  const scope = scopeAt(def, scopeId);
  const state = scope?.States?.[name];
  return state ? {scope, scopeId, name, state} : null;
}

/** The id of a state by scope and name. */
export const idOf = (scopeId, name) => `${scopeId}/States/${name}`;

/** A name not used anywhere in the machine: "Task", "Task 2"… */
export function freshName(def, base) {
  const used = new Set();
  (function walk(scope) {
    for (const [n, s] of Object.entries(scope?.States || {})) {
      used.add(n);
      for (const b of s.Branches || []) walk(b);
      walk(s.ItemProcessor || s.Iterator);
    }
  })(def);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base} ${i}`)) return `${base} ${i}`;
}

/** Every transition field of a state: [{get, set, remove}] for Next, Default, Choices[i].Next, Catch[i].Next. */
function transitions(state) {
  const out = [];
  if (state.Next !== undefined) out.push({target: state.Next, set: v => { state.Next = v; }, remove: () => { delete state.Next; state.End = true; }});
  if (state.Default !== undefined) out.push({target: state.Default, set: v => { state.Default = v; }, remove: () => { delete state.Default; }});
  (state.Choices || []).forEach(c => out.push({target: c.Next, set: v => { c.Next = v; }, remove: () => { state.Choices = state.Choices.filter(x => x !== c); }}));
  (state.Catch || []).forEach(c => out.push({target: c.Next, set: v => { c.Next = v; }, remove: () => { state.Catch = state.Catch.filter(x => x !== c); }}));
  return out;
}

/** Adds a state of `type` to a scope; after `afterId` (taking over its Next) or inserted into an edge. */
export function addState(def, type, {scopeId = '', after = null, edge = null} = {}) {
  const scope = scopeAt(def, scopeId);
  if (!scope) return null;
  scope.States ??= {};
  const name = freshName(def, type === 'Task' ? 'Task' : type);
  const state = JSON.parse(JSON.stringify(TEMPLATES[type](), (k, v) => v === undefined ? undefined : v));
  if (def.QueryLanguage === 'JSONata' && type === 'Task') { delete state.Parameters; state.Arguments = {FunctionName: 'my-function', Payload: '{% $states.input %}'}; }
  const terminal = type === 'Succeed' || type === 'Fail' || type === 'Choice';
  scope.States[name] = state;
  if (!scope.StartAt || !scope.States[scope.StartAt]) scope.StartAt = name;
  const prev = after ? locate(def, after) : null;
  if (edge) {
    const from = locate(def, edge.from);
    if (from && from.scope === scope) {
      const t = transitions(from.state).find(t => idOf(scopeId, t.target) === edge.to);
      if (t) { t.set(name); if (!terminal) state.Next = edge.to.slice(edge.to.lastIndexOf('/States/') + 8); }
    } else if (edge.from === '#start' && scopeId === '') {
      if (!terminal) state.Next = scope.StartAt === name ? undefined : scope.StartAt;
      scope.StartAt = name;
    }
  } else if (prev && prev.scope === scope && !['Choice', 'Succeed', 'Fail'].includes(prev.state.Type)) {
    if (prev.state.Next !== undefined && !terminal) state.Next = prev.state.Next;
    prev.state.Next = name;
    delete prev.state.End;
  }
  if (!terminal && state.Next === undefined) state.End = true;
  if (state.Next !== undefined) delete state.End;
  return idOf(scopeId, name);
}

/** Draws a transition from one state to another of the same scope: a Choice gets a rule, others Next. */
export function connect(def, fromId, toId, {asCatch = false} = {}) {
  const from = locate(def, fromId), to = locate(def, toId);
  if (!from || !to || from.scope !== to.scope) return false;
  const s = from.state;
  if (asCatch && ['Task', 'Parallel', 'Map'].includes(s.Type)) {
    s.Catch = [...(s.Catch || []), {ErrorEquals: ['States.ALL'], Next: to.name}];
  } else if (s.Type === 'Choice') {
    const rule = def.QueryLanguage === 'JSONata' || s.QueryLanguage === 'JSONata'
      ? {Condition: '{% true %}', Next: to.name}
      : {Variable: '$.value', IsPresent: true, Next: to.name};
    s.Choices = [...(s.Choices || []), rule];
  } else if (s.Type === 'Succeed' || s.Type === 'Fail') {
    return false;
  } else {
    s.Next = to.name;
    delete s.End;
  }
  return true;
}

/** Renames a state and every transition to it in its scope. */
export function renameState(def, id, newName) {
  const at = locate(def, id);
  if (!at || !newName || newName === at.name || at.scope.States[newName]) return null;
  const entries = Object.entries(at.scope.States).map(([n, s]) => [n === at.name ? newName : n, s]);
  at.scope.States = Object.fromEntries(entries);
  if (at.scope.StartAt === at.name) at.scope.StartAt = newName;
  for (const s of Object.values(at.scope.States)) for (const t of transitions(s)) if (t.target === at.name) t.set(newName);
  return idOf(at.scopeId, newName);
}

/** Deletes a state; transitions to it are removed (a Next becomes End). */
export function deleteState(def, id) {
  const at = locate(def, id);
  if (!at) return false;
  delete at.scope.States[at.name];
  for (const s of Object.values(at.scope.States)) for (const t of transitions(s)) if (t.target === at.name) t.remove();
  if (at.scope.StartAt === at.name) at.scope.StartAt = Object.keys(at.scope.States)[0] || '';
  return true;
}

/** The names of the states in the same scope as `id`. */
export function siblings(def, id) {
  const at = locate(def, id);
  return at ? Object.keys(at.scope.States) : [];
}
