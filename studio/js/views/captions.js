// The caption style picker: the server's presets with a still of each (GET /v1/caption-styles,
// rendered by the same libass path as the video), or the built-in three when it lists none.

import { hasRoute, request, resolveLink, serverList } from '../api.js';
import { h } from '../dom.js';
import { fieldset } from '../forms.js';
import { CAPTION_STYLES } from './settings.js';

/** The caption styles to offer: [{value, label, note, preview}]. */
export function captionStyles() {
  return serverList('/caption-styles', (answer) => {
    const listed = (answer.styles || answer.caption_styles || []).map((s) => ({
      value: s.id,
      label: s.name || s.id,
      note: s.description || '',
      preview: s.preview_url || s.sample_url || null,
    }));
    return listed.some((s) => s.value === 'none') || !listed.length ? listed : [...listed, CAPTION_STYLES.at(-1)];
  }, CAPTION_STYLES);
}

/** Show each preset's still drawn in `aspect` (the server draws one per preset and aspect). */
async function showAspect(el, aspect) {
  if (!aspect || el.dataset.aspect === aspect || !el.querySelector('.caption-preview')) return;
  el.dataset.aspect = aspect;
  if (!(await hasRoute('GET', '/caption-styles'))) return;
  let answer;
  try {
    answer = await request('GET', `/caption-styles?aspect=${encodeURIComponent(aspect)}`);
  } catch {
    return; // the stills on show stay
  }
  if (el.dataset.aspect !== aspect) return; // another shape was picked meanwhile
  for (const s of answer.styles || []) {
    const input = el.querySelector(`input[value="${CSS.escape(s.id)}"]`);
    const img = input?.closest('.caption-choice')?.querySelector('.caption-preview');
    if (img && s.preview_url) {
      img.src = resolveLink(s.preview_url);
      img.dataset.aspect = aspect;
    }
  }
}

/** `{el, value(), set(style), showAspect(aspect)}`: radio cards named `settings.caption_style`,
 * each with a still of its preset in the video's shape (9:16 until told another). */
export async function captionPicker(value = 'highlight') {
  const styles = await captionStyles();
  const name = 'settings.caption_style';
  const cards = styles.map((s) =>
    h(
      'label',
      { class: `choice caption-choice${s.preview ? ' has-preview' : ''}` },
      h('input', { type: 'radio', name, value: s.value, checked: s.value === value }),
      // Eager: eight stills of ~5 KB; a lazy one below a phone's fold would stay blank.
      s.preview ? h('img', { class: 'caption-preview', src: resolveLink(s.preview), alt: '', dataset: { aspect: '9:16' } }) : null,
      h('span', { class: 'choice-label' }, s.label),
      s.note ? h('span', { class: 'choice-note' }, s.note) : null,
    ),
  );
  const el = fieldset({ legend: 'Captions', field: name, children: h('div', { class: 'choices caption-choices' }, cards) });
  el.dataset.aspect = '9:16'; // what GET /v1/caption-styles draws unless asked
  return {
    el,
    value: () => el.querySelector(`input[name="${name}"]:checked`)?.value,
    set: (style) => {
      const input = el.querySelector(`input[name="${name}"][value="${CSS.escape(style)}"]`);
      if (input) input.checked = true;
    },
    showAspect: (aspect) => showAspect(el, aspect),
  };
}
