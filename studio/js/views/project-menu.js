// A project's "More" menu: duplicate it, save its settings as a template, delete it.

import { api } from '../api.js';
import { h } from '../dom.js';
import { ASPECTS, RESOLUTIONS } from './settings.js';

/** The copy's title: "Title (copy)", "Title (copy 2)"... within the API's 200 characters. */
export function copyTitle(title) {
  const match = /^(.*) \(copy(?: (\d+))?\)$/.exec(title || '');
  const base = match ? match[1] : title || 'Untitled';
  const n = match ? Number(match[2] || 1) + 1 : 1;
  const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
  return base.slice(0, 200 - suffix.length) + suffix;
}

/**
 * The project's settings without what belongs to this project alone (its uploads), and
 * without unset ones (a patch takes no null: left out is "the default").
 */
function portableSettings(settings) {
  const { music_upload: _music, brand = {}, ...rest } = settings;
  const { logo: _logo, ...cards } = brand || {};
  const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined));
  return { ...given, brand: cards };
}

/**
 * A duplicate keeps the prompt and settings (uploads are the project's own: a copy starts
 * without them) and writes its script anew; the original is untouched.
 */
export async function duplicateProject(project) {
  const title = copyTitle(project.title || project.story?.title || '');
  return api.createProject({ prompt: project.prompt, title, settings: portableSettings(project.settings) });
}

/** Render the story at another shape or resolution (its pictures and clips reused). */
function exportForm(getProject, onError) {
  const aspect = h('select', { 'aria-label': 'Export shape' }, ASPECTS.map((a) => h('option', { value: a.value }, `${a.label} ${a.value}`)));
  const resolution = h('select', { 'aria-label': 'Export resolution' }, RESOLUTIONS.map((r) => h('option', { value: r }, r)));
  const go = h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Export');
  const form = h('form', { class: 'export-form', 'aria-label': 'Export' }, h('span', { class: 'label' }, 'Export as'), aspect, resolution, go);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    go.disabled = true;
    const p = getProject();
    try {
      const { job_id: job } = await api.start(p.id, 'exports', { aspect: aspect.value, resolution: resolution.value });
      location.hash = `#/projects/${p.id}/jobs/${job}`;
    } catch (err) {
      onError(err.message);
      go.disabled = false;
    }
  });
  return { form, set: (p) => { aspect.value = p.settings.aspect === '9:16' ? '16:9' : '9:16'; resolution.value = p.settings.resolution; } };
}

export function projectMenu({ getProject, canTemplate, onError }) {
  const status = h('p', { class: 'success', role: 'status' });
  const exporter = exportForm(getProject, onError);
  const run = (fn) => async () => {
    try {
      await fn(getProject());
    } catch (err) {
      onError(err.message);
    }
  };
  const items = [
    h('button', { type: 'button', class: 'btn btn-small', onclick: run(async (p) => {
      const copy = await duplicateProject(p);
      location.hash = `#/projects/${copy.id}`;
    }) }, 'Duplicate'),
    canTemplate
      ? h('button', { type: 'button', class: 'btn btn-small', onclick: run(async (p) => {
          const name = window.prompt('Name the template', p.title || p.story?.title || 'My template');
          if (!name || !name.trim()) return;
          const t = await api.createTemplate({ name: name.trim(), description: p.prompt.slice(0, 200), settings: portableSettings(p.settings) });
          status.textContent = `Saved as the template “${t.name}”.`;
        }) }, 'Save as template')
      : null,
    h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: run(async (p) => {
      const name = p.title || p.story?.title || p.prompt.slice(0, 60);
      if (!window.confirm(`Delete “${name}” and everything uploaded to it? Videos already published stay published.`)) return;
      await api.deleteProject(p.id);
      location.hash = '#/';
    }) }, 'Delete'),
  ];
  const el = h('details', { class: 'menu' }, h('summary', { class: 'btn' }, 'More'), h('div', { class: 'menu-items' }, items, exporter.form, status));
  return {
    el,
    /** Exports need a written story; the shape offered first is another than the project's. */
    update(p) {
      exporter.form.hidden = !p.story;
      exporter.set(p);
    },
  };
}
