// A project's settings after it was made (PATCH /v1/projects/{id}: title, prompt, settings)
// and its story's look (PATCH /v1/projects/{id}/style: visual style, palette, lighting,
// characters). Both say before saving when a change writes or paints the story again.

import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';
import { settingsFields } from './settings-form.js';

// Settings the script is written from: changing one clears the written story (and its edits).
const SCRIPT_SETTINGS = ['duration_s', 'language', 'visual_style', 'aspect', 'seed'];

export function section(id, heading, form) {
  const state = h('span', { class: 'muted small' });
  const el = h('details', { class: 'card project-section' }, h('summary', {}, h('h2', { id }, heading), state), form);
  return { el, state };
}

export async function save(form, button, change, onSaved, done) {
  clearErrors(form);
  button.disabled = true;
  try {
    onSaved(await change());
    done.textContent = 'Saved.';
  } catch (err) {
    showErrors(form, err);
  } finally {
    button.disabled = false;
  }
}

/** Title, prompt and settings of the project: `{el, update(project)}`. */
export async function settingsPanel({ getProject, onSaved }) {
  const title = h('input', { maxlength: 200 });
  const prompt = h('textarea', { rows: 3, maxlength: 2000 });
  const settings = await settingsFields({}, { music: false });
  const done = h('p', { class: 'success', role: 'status' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save settings');
  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-label': 'Project settings' },
    alertBox(),
    field({ label: 'Title', field: 'title', control: title, hint: 'Empty: the story’s own title' }),
    field({ label: 'Prompt', field: 'prompt', control: prompt }),
    settings.el,
    h('div', { class: 'actions' }, button, done));
  const { el, state } = section('settings-heading', 'Settings', form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    done.textContent = '';
    const p = getProject();
    const next = settings.read();
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(p.settings[k]) !== JSON.stringify(v)));
    const body = { revision: p.revision };
    if (title.value.trim() !== p.title) body.title = title.value.trim();
    if (prompt.value !== p.prompt) body.prompt = prompt.value;
    if (Object.keys(changed).length) body.settings = changed;
    if (Object.keys(body).length === 1) {
      done.textContent = 'Nothing changed.';
      return;
    }
    const rewrites = body.prompt !== undefined || SCRIPT_SETTINGS.some((k) => k in changed);
    if (rewrites && p.story && !window.confirm('This change writes a new script: the current one and your edits to it are replaced. Save?')) return;
    save(form, button, () => api.updateProject(p.id, body), onSaved, done);
  });

  return {
    el,
    update(p) {
      title.value = p.title;
      prompt.value = p.prompt;
      settings.apply(p.settings);
      state.textContent = `${p.settings.duration_s} s · ${p.settings.aspect} · ${p.settings.resolution}`;
    },
  };
}

/** The story's look: visual style, palette, lighting, characters. `{el, update(project)}`. */
export function lookPanel({ getProject, onSaved }) {
  const style = h('input', { maxlength: 300 });
  const lighting = h('input', { maxlength: 200 });
  const palette = h('div', { class: 'palette-row' });
  const cast = h('ol', { class: 'cast-list' });
  const done = h('p', { class: 'success', role: 'status' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save the look');
  const form = h('form', { class: 'look-form', novalidate: true, 'aria-label': 'The story’s look' },
    alertBox(),
    h('p', { class: 'hint' }, 'Every picture of the story shares these: a change paints the scenes that depend on it again.'),
    field({ label: 'Visual style', field: 'visual_style', control: style }),
    field({ label: 'Lighting', field: 'lighting', control: lighting }),
    h('div', { class: 'field', dataset: { field: 'palette' } }, h('span', { class: 'label' }, 'Palette'), palette, h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'field', dataset: { field: 'characters' } }, h('span', { class: 'label' }, 'Characters'), cast, h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'actions' }, button, done));
  const { el, state } = section('look-heading', 'Look', form);

  function characterRow(c, i) {
    const n = i + 1;
    return h('li', { class: 'cast-member', dataset: { character: c.id } },
      h('div', { class: 'form-grid' },
        field({ label: `Character ${n}: name`, field: `characters.${i}.name`, control: h('input', { value: c.name, maxlength: 80, 'data-key': 'name' }) }),
        field({ label: `Character ${n}: role`, field: `characters.${i}.role`, control: h('input', { value: c.role || '', maxlength: 80, 'data-key': 'role' }) })),
      field({ label: `Character ${n}: how they look`, field: `characters.${i}.description`, control: h('textarea', { rows: 2, maxlength: 600, 'data-key': 'description' }, c.description) }));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    done.textContent = '';
    const p = getProject();
    const body = {
      revision: p.revision,
      visual_style: style.value,
      lighting: lighting.value,
      palette: [...palette.querySelectorAll('input')].map((i) => i.value),
      characters: [...cast.querySelectorAll('.cast-member')].map((li) => {
        const before = p.story.style.characters.find((c) => c.id === li.dataset.character);
        const value = (key) => li.querySelector(`[data-key="${key}"]`).value;
        return { ...before, name: value('name'), role: value('role'), description: value('description') };
      }),
    };
    save(form, button, () => api.updateStyle(p.id, body), onSaved, done);
  });

  return {
    el,
    update(p) {
      el.hidden = !p.story;
      if (!p.story) return;
      const look = p.story.style;
      style.value = look.visual_style;
      lighting.value = look.lighting || '';
      fill(palette, look.palette.map((c, i) => h('input', { type: 'color', value: c, 'aria-label': `Palette colour ${i + 1}` })));
      fill(cast, look.characters.length ? look.characters.map(characterRow) : h('li', { class: 'muted small' }, 'No recurring characters in this story.'));
      state.textContent = `${look.visual_style} · ${look.characters.length} character${look.characters.length === 1 ? '' : 's'}`;
    },
  };
}
