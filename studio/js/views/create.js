// New video: a prompt and its settings; "Generate video" creates the project and starts a job.

import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { alertBox, clearErrors, field, fieldset, showErrors } from '../forms.js';
import {
  ASPECTS,
  CAPTION_STYLES,
  DEFAULTS,
  LANGUAGES,
  MAX_SECONDS,
  MIN_SECONDS,
  RESOLUTIONS,
  TRANSITIONS,
  VISUAL_STYLES,
} from './settings.js';

const EXAMPLE = 'A lighthouse keeper befriends a lonely whale';

export async function renderCreate(main) {
  const prompt = h('textarea', {
    rows: 3,
    maxlength: 2000,
    placeholder: EXAMPLE,
    required: true,
  });
  const count = h('span', { class: 'counter', 'aria-hidden': 'true' }, '0 / 2000');
  prompt.addEventListener('input', () => {
    count.textContent = `${prompt.value.length} / 2000`;
  });

  const seconds = h('input', {
    type: 'number',
    min: MIN_SECONDS,
    max: MAX_SECONDS,
    step: 1,
    value: DEFAULTS.duration_s,
    inputmode: 'numeric',
    class: 'seconds',
  });
  const slider = h('input', {
    type: 'range',
    min: MIN_SECONDS,
    max: MAX_SECONDS,
    step: 5,
    value: DEFAULTS.duration_s,
    'aria-label': 'Length slider (seconds)',
    tabindex: '-1',
  });
  slider.addEventListener('input', () => {
    seconds.value = slider.value;
  });
  seconds.addEventListener('input', () => {
    slider.value = seconds.value;
  });

  const radios = (name, options, checked) =>
    h(
      'div',
      { class: 'choices' },
      options.map((o) => {
        const value = typeof o === 'string' ? o : o.value;
        const label = typeof o === 'string' ? o : o.label;
        return h(
          'label',
          { class: `choice${name === 'settings.aspect' ? ` choice-aspect aspect-${value.replace(':', 'x')}` : ''}` },
          h('input', { type: 'radio', name, value, checked: value === checked }),
          h('span', { class: 'choice-label' }, label),
          o.note ? h('span', { class: 'choice-note' }, o.note) : null,
          name === 'settings.aspect' ? h('span', { class: 'choice-value' }, value) : null,
        );
      }),
    );

  const list = (id, values) =>
    h('datalist', { id }, values.map((v) => h('option', { value: v.value ?? v }, v.label ?? null)));

  const form = h(
    'form',
    { class: 'create-form card', novalidate: true },
    alertBox(),
    h(
      'div',
      { class: 'field prompt-field', dataset: { field: 'prompt' } },
      h('label', { for: 'f-prompt', class: 'big-label' }, 'What is your video about?'),
      Object.assign(prompt, { id: 'f-prompt', name: 'prompt' }),
      h('div', { class: 'prompt-foot' },
        h('button', {
          type: 'button',
          class: 'btn btn-link',
          onclick: () => {
            prompt.value = EXAMPLE;
            prompt.dispatchEvent(new Event('input'));
            prompt.focus();
          },
        }, 'Use the example'),
        count),
      h('p', { class: 'field-error', id: 'f-prompt-error', hidden: true }),
    ),
    field({
      label: 'Title (optional)',
      field: 'title',
      control: h('input', { maxlength: 200, placeholder: 'Made up from the story when left empty' }),
    }),
    h(
      'div',
      { class: 'form-grid' },
      h(
        'div',
        { class: 'field', dataset: { field: 'settings.duration_s' } },
        h('label', { for: 'f-seconds' }, 'Length (seconds)'),
        h('div', { class: 'range-row' }, slider, Object.assign(seconds, { id: 'f-seconds', name: 'settings.duration_s' })),
        h('p', { class: 'hint', id: 'f-seconds-hint' }, `${MIN_SECONDS} to ${MAX_SECONDS} seconds`),
        h('p', { class: 'field-error', id: 'f-seconds-error', hidden: true }),
      ),
      fieldset({ legend: 'Resolution', field: 'settings.resolution', children: radios('settings.resolution', RESOLUTIONS, DEFAULTS.resolution), className: 'compact' }),
    ),
    fieldset({ legend: 'Shape', field: 'settings.aspect', children: radios('settings.aspect', ASPECTS, DEFAULTS.aspect) }),
    h(
      'div',
      { class: 'form-grid' },
      field({
        label: 'Visual style',
        field: 'settings.visual_style',
        control: h('input', { value: DEFAULTS.visual_style, list: 'styles', maxlength: 200 }),
      }),
      field({
        label: 'Language',
        field: 'settings.language',
        control: h('input', { value: DEFAULTS.language, list: 'languages', maxlength: 12 }),
        hint: 'A language code (en, zh, ar…) or auto',
      }),
      field({
        label: 'Voice',
        field: 'settings.voice',
        control: h('input', { value: DEFAULTS.voice, maxlength: 80 }),
        hint: 'default, or a voice id of the narrator',
      }),
      field({
        label: 'Transition',
        field: 'settings.transition',
        control: h('select', {}, TRANSITIONS.map((t) => h('option', { value: t.value, selected: t.value === DEFAULTS.transition }, t.label))),
      }),
    ),
    fieldset({ legend: 'Captions', field: 'settings.caption_style', children: radios('settings.caption_style', CAPTION_STYLES, DEFAULTS.caption_style) }),
    h(
      'div',
      { class: 'field check', dataset: { field: 'settings.music' } },
      h('input', { type: 'checkbox', id: 'f-music', name: 'settings.music' }),
      h('label', { for: 'f-music' }, 'Background music, ducked under the voice'),
      h('p', { class: 'field-error', hidden: true }),
    ),
    h(
      'details',
      { class: 'more' },
      h('summary', {}, 'More options'),
      field({
        label: 'Seed',
        field: 'settings.seed',
        control: h('input', { type: 'number', value: DEFAULTS.seed, min: 0, inputmode: 'numeric' }),
        hint: 'Another seed gives other names, compositions and motion',
      }),
    ),
    list('styles', VISUAL_STYLES),
    list('languages', LANGUAGES),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-lg', value: 'generate' }, 'Generate video'),
      h('button', { type: 'submit', class: 'btn', value: 'draft' }, 'Save without generating'),
    ),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const generate = event.submitter?.value !== 'draft';
    const buttons = form.querySelectorAll('button[type=submit]');
    buttons.forEach((b) => { b.disabled = true; });
    clearErrors(form);
    try {
      const project = await api.createProject(readForm(form));
      if (generate) {
        const { job_id: jobId } = await api.start(project.id);
        location.hash = `#/projects/${project.id}/jobs/${jobId}`;
      } else {
        location.hash = `#/projects/${project.id}`;
      }
    } catch (err) {
      showErrors(form, err);
      buttons.forEach((b) => { b.disabled = false; });
    }
  });

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'New video')),
    h('p', { class: 'lede' }, 'A prompt becomes a script, illustrated scenes with motion, a voice-over with highlighted captions, and a thumbnail.'),
    form,
  );
}

/** The form as the API's CreateProject: numbers as numbers; the rest as typed. */
function readForm(form) {
  const data = new FormData(form);
  const settings = {};
  const number = (v) => (v === '' || v === null ? v : Number.isFinite(Number(v)) ? Number(v) : v);
  for (const [name, value] of data.entries()) {
    if (!name.startsWith('settings.')) continue;
    const key = name.slice('settings.'.length);
    settings[key] = key === 'duration_s' || key === 'seed' ? number(value) : value;
  }
  settings.music = form.elements['settings.music'].checked;
  const body = { prompt: data.get('prompt') || '', settings };
  const title = (data.get('title') || '').trim();
  if (title) body.title = title;
  return body;
}
