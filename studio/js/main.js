// The Studio: a hash router over its screens, and the header's identity field.

import { configureApi } from './api.js';
import { devUid, identityLabel, initAuth, setDevUid, usesDevIdentity } from './auth.js';
import { h, fill } from './dom.js';
import { renderAccounts } from './views/accounts.js';
import { renderCalendar } from './views/calendar.js';
import { renderCreate } from './views/create.js';
import { renderProject } from './views/project.js';
import { renderProjects } from './views/projects.js';
import { renderSeries } from './views/series.js';
import { renderTemplates } from './views/templates.js';

const main = document.getElementById('main');
let cleanup = null;
let current = null; // the AbortController of the screen on show
let first = true; // the first screen keeps the browser's focus (the skip link comes first)

const ROUTES = [
  [/^\/?$/, 'projects', renderProjects],
  [/^\/new$/, 'new', renderCreate],
  [/^\/projects\/([\w-]+)(?:\/jobs\/([\w-]+))?$/, 'projects', renderProject],
  [/^\/calendar$/, 'calendar', renderCalendar],
  [/^\/templates$/, 'templates', renderTemplates],
  [/^\/series(?:\/([\w-]+))?$/, 'series', renderSeries],
  [/^\/accounts$/, 'accounts', renderAccounts],
];

/** config.json next to index.html: {apiBase, tokenModule, watchModule}, each null for the default. */
async function loadConfig() {
  try {
    const res = await fetch('config.json', { cache: 'no-store' });
    if (res.ok && (res.headers.get('Content-Type') || '').includes('json')) {
      const config = await res.json();
      if (config && typeof config === 'object' && !config.error) return config;
    }
  } catch {
    // no config: the defaults
  }
  return {};
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

async function route() {
  const { path, query } = parseHash();
  if (current) current.abort();
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const screen = new AbortController();
  current = screen;
  const match = ROUTES.map(([re, nav, view]) => [path.match(re), nav, view]).find(([m]) => m);
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (match && link.dataset.nav === match[1] && !(match[1] === 'projects' && path !== '/') && !(match[1] === 'series' && path !== '/series')) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  fill(main);
  if (!match) {
    fill(
      main,
      h('h1', { tabindex: '-1' }, 'Not found'),
      h('p', {}, 'There is no such page in the Studio. ', h('a', { href: '#/' }, 'See your projects.')),
    );
    focusHeading();
    return;
  }
  const [m, , view] = match;
  const stop = await view(main, { params: m.slice(1), query, signal: screen.signal });
  if (screen.signal.aborted) {
    if (stop) stop(); // another screen was asked for meanwhile
    return;
  }
  cleanup = stop || null;
  focusHeading();
}

function focusHeading() {
  // After a navigation, move focus to the new screen's heading so keyboard and screen-reader
  // users land on it.
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    if (!first) heading.focus({ preventScroll: false });
    document.title = `${heading.textContent} · Story-Genius Studio`;
  }
  first = false;
}

function renderIdentity() {
  const box = document.getElementById('identity');
  if (!usesDevIdentity()) {
    fill(box, h('span', { class: 'who' }, identityLabel()));
    return;
  }
  const input = h('input', {
    id: 'dev-uid',
    value: devUid(),
    size: 10,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'dev-uid-note',
  });
  const note = h('span', { id: 'dev-uid-note', class: 'visually-hidden' },
    'Local dev identity sent as Authorization: Bearer dev:<uid>. Press Enter to switch.');
  const error = h('span', { class: 'field-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      class: 'identity-form',
      onsubmit: (event) => {
        event.preventDefault();
        const problem = setDevUid(input.value.trim());
        error.hidden = !problem;
        error.textContent = problem ? `Dev user: ${problem}` : '';
        input.setAttribute('aria-invalid', problem ? 'true' : 'false');
        if (!problem) route();
      },
    },
    h('label', { for: 'dev-uid' }, 'Dev user'),
    input,
    note,
    error,
  );
  fill(box, form);
}

async function start() {
  const config = await loadConfig();
  try {
    await initAuth(config);
    await configureApi(config);
  } catch (err) {
    fill(main, h('div', { class: 'alert', role: 'alert' }, `The Studio's config.json: ${err.message}`));
    return;
  }
  renderIdentity();
  window.addEventListener('hashchange', route);
  await route();
}

start();
