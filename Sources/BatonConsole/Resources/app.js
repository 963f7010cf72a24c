// The console's router: #/machines, #/machines/ARN, #/executions?…, #/executions/ARN, #/editor[/ARN].
import {machinesPage, machinePage} from './machines.js';
import {executionsPage, executionPage} from './executions.js';
import {editorPage} from './editor.js';
import {h, fill, toast} from './util.js';

const main = document.getElementById('main');
let cleanups = [];

async function route() {
  for (const c of cleanups) c();
  cleanups = [];
  const hash = location.hash.replace(/^#/, '') || '/machines';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const section = parts[0] || 'machines';
  for (const a of document.querySelectorAll('header nav a')) {
    a.classList.toggle('active', a.dataset.nav === section && !(section === 'editor' && parts[1]));
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  try {
    if (section === 'machines' && parts[1]) await machinePage(main, parts[1]);
    else if (section === 'machines') await machinesPage(main);
    else if (section === 'executions' && parts[1]) await executionPage(main, parts[1], fn => cleanups.push(fn));
    else if (section === 'executions') await executionsPage(main, params);
    else if (section === 'editor') await editorPage(main, parts[1]);
    else fill(main, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/machines'}, 'State machines')));
    document.title = `${main.querySelector('h1')?.textContent || 'Baton'} · Baton console`;
  } catch (e) {
    fill(main, h('h1', {}, 'Something went wrong'), h('p', {class: 'diag', role: 'alert'}, e.message));
    toast(e.message, 'error');
  }
}

window.addEventListener('hashchange', route);
route();
