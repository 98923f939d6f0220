// The fields of a project's settings, shared by the New video form and the series form:
// length, resolution, shape, visual style, language (a list), voice (with samples), transition,
// captions, music bed and seed. Controls are named `settings.<field>` so the API's field errors
// land next to them (forms.js).

import { h } from '../dom.js';
import { field, fieldset } from '../forms.js';
import { captionPicker } from './captions.js';
import {
  ASPECTS,
  DEFAULTS,
  MAX_SECONDS,
  MIN_SECONDS,
  RESOLUTIONS,
  TRANSITIONS,
  VISUAL_STYLES,
  languages,
} from './settings.js';
import { voicePicker } from './voices.js';

let lists = 0;

/** Radio buttons as cards; the aspect ones draw their shape. */
export function radios(name, options, checked) {
  return h(
    'div',
    { class: 'choices' },
    options.map((o) => {
      const value = typeof o === 'string' ? o : o.value;
      const label = typeof o === 'string' ? o : o.label;
      const aspect = name.endsWith('aspect');
      return h(
        'label',
        { class: `choice${aspect ? ` choice-aspect aspect-${value.replace(':', 'x')}` : ''}` },
        h('input', { type: 'radio', name, value, checked: value === checked }),
        h('span', { class: 'choice-label' }, label),
        o.note ? h('span', { class: 'choice-note' }, o.note) : null,
        aspect ? h('span', { class: 'choice-value' }, value) : null,
      );
    }),
  );
}

/**
 * The settings block: `el` to put in a form, `read()` the settings as the API takes them,
 * `apply(settings)` to show a template's or a project's settings.
 */
export async function settingsFields(initial = {}, { music: withMusic = true } = {}) {
  const values = { ...DEFAULTS, ...initial };
  lists += 1;
  const styleList = `styles-${lists}`;

  const seconds = h('input', {
    type: 'number', min: MIN_SECONDS, max: MAX_SECONDS, step: 1, value: values.duration_s,
    inputmode: 'numeric', class: 'seconds', id: `f-seconds-${lists}`, name: 'settings.duration_s',
  });
  const slider = h('input', {
    type: 'range', min: MIN_SECONDS, max: MAX_SECONDS, step: 5, value: values.duration_s,
    'aria-label': 'Length slider (seconds)', tabindex: '-1',
  });
  slider.addEventListener('input', () => { seconds.value = slider.value; });
  seconds.addEventListener('input', () => { slider.value = seconds.value; });

  const style = h('input', { value: values.visual_style, list: styleList, maxlength: 200 });
  const known = await languages();
  const language = h('select', {}, known.map((l) => h('option', { value: l.value, selected: l.value === values.language }, l.label)));
  if (![...language.options].some((o) => o.selected) && values.language) {
    language.append(h('option', { value: values.language, selected: true }, values.language));
  }
  const voice = await voicePicker({ language, value: values.voice });
  const transition = h('select', {}, TRANSITIONS.map((t) => h('option', { value: t.value, selected: t.value === values.transition }, t.label)));
  const captions = await captionPicker(values.caption_style);
  const music = h('input', { type: 'checkbox', id: `f-music-${lists}`, name: 'settings.music', checked: values.music });
  const seed = h('input', { type: 'number', value: values.seed, min: 0, inputmode: 'numeric' });
  const seedField = field({ label: 'Seed', field: 'settings.seed', control: seed, hint: 'Another seed gives other names, compositions and motion' });

  const el = h(
    'div',
    { class: 'settings-fields' },
    h(
      'div',
      { class: 'form-grid' },
      h(
        'div',
        { class: 'field', dataset: { field: 'settings.duration_s' } },
        h('label', { for: seconds.id }, 'Length (seconds)'),
        h('div', { class: 'range-row' }, slider, seconds),
        h('p', { class: 'hint' }, `${MIN_SECONDS} to ${MAX_SECONDS} seconds`),
        h('p', { class: 'field-error', hidden: true }),
      ),
      fieldset({ legend: 'Resolution', field: 'settings.resolution', children: radios('settings.resolution', RESOLUTIONS, values.resolution), className: 'compact' }),
    ),
    fieldset({ legend: 'Shape', field: 'settings.aspect', children: radios('settings.aspect', ASPECTS, values.aspect) }),
    h(
      'div',
      { class: 'form-grid' },
      field({ label: 'Visual style', field: 'settings.visual_style', control: style }),
      field({ label: 'Language', field: 'settings.language', control: language, hint: 'The narration’s language; automatic follows the prompt' }),
      voice.el,
      field({ label: 'Transition', field: 'settings.transition', control: transition }),
    ),
    captions.el,
    withMusic
      ? h(
          'div',
          { class: 'field check', dataset: { field: 'settings.music' } },
          music,
          h('label', { for: music.id }, 'Background music, ducked under the voice'),
          h('p', { class: 'field-error', hidden: true }),
        )
      : null,
    h('details', { class: 'more' }, h('summary', {}, 'More options'), seedField),
    h('datalist', { id: styleList }, VISUAL_STYLES.map((v) => h('option', { value: v }))),
  );

  const checkedIn = (name) => el.querySelector(`input[name="${name}"]:checked`)?.value;
  // The caption stills follow the chosen shape.
  el.addEventListener('change', (event) => {
    if (event.target.name === 'settings.aspect') captions.showAspect(event.target.value);
  });
  captions.showAspect(checkedIn('settings.aspect'));
  const number = (v) => (v === '' ? v : Number.isFinite(Number(v)) ? Number(v) : v);

  function read() {
    const chosen = {
      duration_s: number(seconds.value),
      resolution: checkedIn('settings.resolution'),
      aspect: checkedIn('settings.aspect'),
      visual_style: style.value,
      language: language.value,
      voice: voice.value(),
      transition: transition.value,
      caption_style: captions.value(),
      music: music.checked,
      seed: number(seed.value),
    };
    if (!withMusic) delete chosen.music; // the project's sound panel owns it
    return chosen;
  }

  function check(name, value) {
    const input = value === undefined ? null : el.querySelector(`input[name="${name}"][value="${CSS.escape(String(value))}"]`);
    if (input) input.checked = true;
  }

  function apply(settings = {}) {
    if (settings.duration_s !== undefined) {
      seconds.value = settings.duration_s;
      slider.value = settings.duration_s;
    }
    check('settings.resolution', settings.resolution);
    check('settings.aspect', settings.aspect);
    captions.showAspect(checkedIn('settings.aspect'));
    if (settings.visual_style !== undefined) style.value = settings.visual_style;
    if (settings.language !== undefined && [...language.options].some((o) => o.value === settings.language)) {
      language.value = settings.language;
      language.dispatchEvent(new Event('change'));
    }
    if (settings.voice !== undefined) voice.set(settings.voice);
    if (settings.transition !== undefined) transition.value = settings.transition;
    if (settings.caption_style !== undefined) captions.set(settings.caption_style);
    if (settings.music !== undefined) music.checked = Boolean(settings.music);
    if (settings.seed !== undefined) seed.value = settings.seed;
  }

  return { el, read, apply };
}
