// The voice picker: the narrator's voices for the chosen language (GET /v1/voices?language=),
// each with a short sample to listen to. On a server that lists no voices it is the free-text
// field it used to be ("default", or a voice id of the narrator).

import { api, hasRoute, resolveLink } from '../api.js';
import { h, fill } from '../dom.js';
import { field } from '../forms.js';

/**
 * `language`: the language <select> the list follows. Returns `{el, value(), set(voice)}`.
 */
export async function voicePicker({ language, value = 'default' }) {
  if (!(await hasRoute('GET', '/voices'))) {
    const input = h('input', { value, maxlength: 80 });
    const el = field({ label: 'Voice', field: 'settings.voice', control: input, hint: 'default, or a voice id of the narrator' });
    return { el, value: () => input.value, set: (v) => { input.value = v; } };
  }

  const select = h('select', {});
  const audio = h('audio', { preload: 'none', class: 'voice-audio' });
  const play = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Play a sample of this voice', disabled: true }, '▶ Sample');
  const status = h('span', { class: 'hint', role: 'status' });
  const el = h(
    'div',
    { class: 'field', dataset: { field: 'settings.voice' } },
    h('label', { for: 'f-settings-voice' }, 'Voice'),
    h('div', { class: 'voice-row' }, Object.assign(select, { id: 'f-settings-voice', name: 'settings.voice' }), play),
    audio,
    status,
    h('p', { class: 'field-error', hidden: true }),
  );
  let wanted = value;
  let voices = [];
  let loading = 0;

  function sampleOf(id) {
    // "default" plays the voice the narrator uses by default for the language.
    const voice = voices.find((v) => v.id === id) || (id === 'default' ? voices.find((v) => v.default) : null);
    return voice?.sample_url || voice?.preview_url || null;
  }

  function showPlay() {
    const sample = sampleOf(select.value);
    play.disabled = !sample;
    play.textContent = '▶ Sample';
  }

  async function load() {
    loading += 1;
    const mine = loading;
    select.disabled = true;
    status.textContent = 'Loading voices…';
    if (language.value === 'auto') {
      voices = []; // the voice follows the language found in the prompt
    } else {
      try {
        ({ voices } = await api.listVoices(language.value));
      } catch (err) {
        voices = [];
        status.textContent = `Voices: ${err.message}`;
      }
    }
    if (mine !== loading) return;
    select.disabled = false;
    const fallback = voices.find((v) => v.default);
    const options = [h('option', { value: 'default' }, fallback ? `Default: ${fallback.name}` : 'Default voice for the language')];
    for (const v of voices) {
      const details = [v.accent, v.gender, v.description].filter(Boolean).join(', ');
      options.push(h('option', { value: v.id }, details ? `${v.name} (${details})` : v.name));
    }
    fill(select, options);
    if (wanted && wanted !== 'default' && !voices.some((v) => v.id === wanted)) {
      select.append(h('option', { value: wanted }, `${wanted} (not listed for this language)`));
    }
    select.value = wanted || 'default';
    if (status.textContent === 'Loading voices…') {
      status.textContent = language.value === 'auto'
        ? 'Automatic language: the voice follows the prompt’s language'
        : voices.length ? `${voices.length} voice${voices.length === 1 ? '' : 's'} for this language` : 'No voices listed: the default is used';
    }
    showPlay();
  }

  select.addEventListener('change', () => {
    wanted = select.value;
    audio.pause();
    showPlay();
  });
  language.addEventListener('change', () => {
    wanted = 'default'; // another language's voices: its default first
    load();
  });
  play.addEventListener('click', () => {
    const sample = sampleOf(select.value);
    if (!sample) return;
    if (!audio.paused && audio.dataset.voice === select.value) {
      audio.pause();
      return;
    }
    audio.dataset.voice = select.value;
    audio.src = resolveLink(sample);
    audio.play().catch((err) => { status.textContent = `The sample would not play (${err.message}).`; });
  });
  audio.addEventListener('play', () => { play.textContent = '❚❚ Pause'; });
  audio.addEventListener('pause', () => { play.textContent = '▶ Sample'; });
  audio.addEventListener('ended', () => { play.textContent = '▶ Sample'; });

  await load();
  return {
    el,
    value: () => select.value,
    set: (v) => {
      wanted = v;
      if ([...select.options].some((o) => o.value === v)) select.value = v;
      else load();
      showPlay();
    },
  };
}
