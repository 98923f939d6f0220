// The caption style picker: the server's presets with a still of each (GET /v1/caption-styles,
// rendered by the same libass path as the video), or the built-in three when it lists none.

import { resolveLink, serverList } from '../api.js';
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

/** `{el, value(), set(style)}`: radio cards named `settings.caption_style`. */
export async function captionPicker(value = 'highlight') {
  const styles = await captionStyles();
  const name = 'settings.caption_style';
  const cards = styles.map((s) =>
    h(
      'label',
      { class: `choice caption-choice${s.preview ? ' has-preview' : ''}` },
      h('input', { type: 'radio', name, value: s.value, checked: s.value === value }),
      // Eager: eight stills of ~5 KB; a lazy one below a phone's fold would stay blank.
      s.preview ? h('img', { class: 'caption-preview', src: resolveLink(s.preview), alt: '' }) : null,
      h('span', { class: 'choice-label' }, s.label),
      s.note ? h('span', { class: 'choice-note' }, s.note) : null,
    ),
  );
  const el = fieldset({ legend: 'Captions', field: name, children: h('div', { class: 'choices caption-choices' }, cards) });
  return {
    el,
    value: () => el.querySelector(`input[name="${name}"]:checked`)?.value,
    set: (style) => {
      const input = el.querySelector(`input[name="${name}"][value="${CSS.escape(style)}"]`);
      if (input) input.checked = true;
    },
  };
}
