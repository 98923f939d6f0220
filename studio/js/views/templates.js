// Templates (GET /v1/templates: built-ins first, then the user's own): a gallery at
// #/templates, and the strip at the top of the New video form that fills in a template's
// settings. A template is a format (hook, structure, pacing, length) with a style, a voice,
// music, captions, a transition and a shape.

import { api, hasRoute } from '../api.js';
import { h, fill } from '../dom.js';
import { settingsSummary } from './settings.js';

const builtIn = (t) => Boolean(t.builtin ?? t.built_in ?? t.owner === null);

async function loadTemplates() {
  if (!(await hasRoute('GET', '/templates'))) return null;
  const { templates } = await api.listTemplates();
  return templates;
}

/**
 * The strip of templates on the New video form: `{el, selected(), onPick(fn)}`. `fn(template)`
 * runs when one is picked (null: "Blank"). Empty on a server without templates.
 */
export async function templatePicker({ selected: wanted = null } = {}) {
  let templates = null;
  try {
    templates = await loadTemplates();
  } catch {
    templates = null;
  }
  let picked = templates?.find((t) => t.id === wanted) || null;
  let listener = () => {};
  if (!templates || !templates.length) {
    return { el: h('div', { hidden: true }), selected: () => null, onPick: () => {} };
  }
  const name = 'template';
  const card = (t) =>
    h(
      'label',
      { class: 'template-chip', dataset: { template: t ? t.id : '' } },
      h('input', { type: 'radio', name, value: t ? t.id : '', checked: t ? t === picked : !picked }),
      h('span', { class: 'template-name' }, t ? t.name : 'Blank'),
      h('span', { class: 'template-note' }, t ? t.description || '' : 'Your prompt, the settings below'),
    );
  const list = h('div', { class: 'template-strip', role: 'radiogroup', 'aria-labelledby': 'template-strip-label' }, card(null), templates.map(card));
  list.addEventListener('change', (event) => {
    picked = templates.find((t) => t.id === event.target.value) || null;
    listener(picked);
  });
  const el = h(
    'section',
    { class: 'templates-pick' },
    h('h2', { id: 'template-strip-label' }, 'Start from a template'),
    list,
    h('p', { class: 'hint' }, h('a', { href: '#/templates' }, 'See every template')),
  );
  return { el, selected: () => picked, onPick: (fn) => { listener = fn; } };
}

export async function renderTemplates(main, { signal }) {
  fill(main, h('h1', {}, 'Templates'), h('p', { class: 'loading' }, 'Loading templates…'));
  let templates;
  try {
    templates = await loadTemplates();
  } catch (err) {
    if (signal.aborted) return;
    fill(main, h('h1', {}, 'Templates'), h('div', { class: 'alert', role: 'alert' }, err.message));
    return;
  }
  if (signal.aborted) return;
  const head = h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Templates'), h('p', { class: 'lede' }, 'Formats faceless channels use: each sets the story’s structure and pacing, the look, the voice, music and captions. Start a video or a series from one.')));
  if (templates === null) {
    fill(main, head, h('div', { class: 'notice', role: 'status' }, h('strong', {}, 'Templates aren’t available on this server.'), ' It does not serve /v1/templates; start from a prompt instead.'));
    return;
  }
  const notice = h('div', { class: 'alert', role: 'alert', hidden: true });
  const grid = h('ul', { class: 'template-grid', 'aria-label': 'Templates' });

  async function remove(t) {
    if (!window.confirm(`Delete the template “${t.name}”?`)) return;
    try {
      await api.deleteTemplate(t.id);
      templates = templates.filter((x) => x.id !== t.id);
      show();
    } catch (err) {
      fill(notice, err.message);
      notice.hidden = false;
    }
  }

  function show() {
    fill(grid, templates.map((t) => templateCard(t, remove)));
  }
  show();
  fill(main, head, notice, grid);
}

function templateCard(t, remove) {
  const own = !builtIn(t);
  // The format's parts in telling order (common/domain/formats.py): "hook → dread → reveal".
  const format = t.settings?.format;
  const beats = (format?.parts || []).map((p) => p.name.replace(/-/g, ' '));
  return h(
    'li',
    { class: 'template-card card', dataset: { template: t.id } },
    h('div', { class: 'template-head' }, h('h2', {}, t.name), own ? h('span', { class: 'pill' }, 'Yours') : null),
    t.description ? h('p', { class: 'muted' }, t.description) : null,
    beats.length ? h('p', { class: 'small beats', title: format.hook || '' }, beats.join(' → ')) : null,
    format?.tone ? h('p', { class: 'small muted' }, `Tone: ${format.tone}`) : null,
    h('p', { class: 'chips' }, settingsSummary(t.settings).map((c) => h('span', { class: 'chip' }, c))),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'btn btn-primary btn-small', href: `#/new?template=${encodeURIComponent(t.id)}` }, 'Use this template'),
      h('a', { class: 'btn btn-small', href: `#/series?template=${encodeURIComponent(t.id)}` }, 'Start a series'),
      own ? h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => remove(t) }, 'Delete') : null,
    ),
  );
}
