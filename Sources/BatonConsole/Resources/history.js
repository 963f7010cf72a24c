// What happened to each state of an execution, derived from GetExecutionHistory's events.

/** The details object of an event, whatever its type (`taskFailedEventDetails`…). */
export function details(e) {
  for (const k of Object.keys(e)) if (k.endsWith('EventDetails') && e[k] && typeof e[k] === 'object') return e[k];
  return {};
}

const failure = /(Failed|TimedOut|Aborted)$/;
const successes = new Set(['TaskSucceeded', 'LambdaFunctionSucceeded', 'ActivitySucceeded', 'ParallelStateSucceeded',
  'MapStateSucceeded']);
const notStateFailure = new Set(['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted', 'MapIterationFailed',
  'MapIterationAborted', 'MapRunFailed', 'MapRunAborted']);

/**
 * The states of an execution: for each state name, its status (succeeded, failed, caught, retried,
 * running, aborted) and its visits (input, output, error, cause, iteration); and, per Map state, the
 * iterations seen. `iteration` ("Map#3") keeps only the visits inside that iteration (and outside any).
 */
export function deriveStates(events, executionStatus, iteration = null) {
  const sorted = [...events].sort((a, b) => a.id - b.id);
  const byId = new Map(sorted.map(e => [e.id, e]));
  const ownerOf = new Map();   // event id → visit
  const iterOf = new Map();    // event id → "Map#index" or null
  const visits = [];
  const iterations = new Map(); // map name → Set of indices
  const chain = (e, memo, compute) => {
    // Follow previousEventId back until memo knows an answer (iteratively: histories can be long).
    const path = [];
    let cur = e;
    while (cur && !memo.has(cur.id)) {
      const own = compute(cur);
      if (own !== undefined) { memo.set(cur.id, own); break; }
      path.push(cur);
      cur = byId.get(cur.previousEventId);
    }
    const value = cur ? memo.get(cur.id) : null;
    for (const p of path) memo.set(p.id, value);
    return value ?? null;
  };
  for (const e of sorted) {
    const d = details(e);
    const iter = chain(e, iterOf, x => x.type === 'MapIterationStarted' ? `${details(x).name}#${details(x).index}` : undefined);
    if (e.type === 'MapIterationStarted') {
      const name = d.name;
      if (!iterations.has(name)) iterations.set(name, new Set());
      iterations.get(name).add(d.index);
    }
    if (e.type.endsWith('StateEntered')) {
      const visit = {name: d.name, type: e.type.replace('StateEntered', ''), enteredId: e.id, entered: e.timestamp,
        input: d.input, output: undefined, exited: undefined, failures: [], recovered: false, iteration: iter, events: [e]};
      visits.push(visit);
      ownerOf.set(e.id, visit);
      continue;
    }
    const visit = chain(e, ownerOf, x => x.type.endsWith('StateEntered') ? ownerOf.get(x.id) : undefined);
    if (!visit) continue;
    visit.events.push(e);
    if (e.type.endsWith('StateExited')) {
      visit.output = d.output;
      visit.exited = e.timestamp;
    } else if (failure.test(e.type) && !notStateFailure.has(e.type)) {
      visit.failures.push({type: e.type, error: d.error, cause: d.cause});
      visit.recovered = false;
    } else if (successes.has(e.type) && visit.failures.length) {
      visit.recovered = true;
    }
  }
  const ended = executionStatus && executionStatus !== 'RUNNING';
  for (const v of visits) {
    if (v.exited !== undefined) {
      v.status = !v.failures.length ? 'succeeded' : (v.recovered ? 'retried' : 'caught');
    } else if (v.type === 'Fail') {
      v.status = 'failed';
    } else if (!ended) {
      v.status = v.failures.length && !v.recovered ? 'retried' : 'running';
    } else if (v.failures.length && !v.recovered) {
      v.status = 'failed';
    } else {
      v.status = executionStatus === 'SUCCEEDED' ? 'succeeded' : (executionStatus === 'ABORTED' ? 'aborted' : 'failed');
    }
    const last = v.failures[v.failures.length - 1];
    if (last) { v.error = last.error; v.cause = last.cause; }
  }
  const rank = {running: 6, failed: 5, aborted: 4, caught: 3, retried: 2, succeeded: 1};
  const byName = new Map();
  for (const v of visits) {
    if (iteration && v.iteration && v.iteration !== iteration) continue;
    const s = byName.get(v.name) || {status: null, visits: []};
    s.visits.push(v);
    if (!s.status || rank[v.status] > rank[s.status]) s.status = v.status;
    byName.set(v.name, s);
  }
  return {byName, visits, iterations};
}

/** A map of state name → status, for the graph. */
export function statusMap(derived) {
  return new Map([...derived.byName].map(([name, s]) => [name, s.status]));
}
