// A project's sound and brand kit: music (none, the music bed, or an uploaded track), a logo
// watermark (an uploaded image, its corner, opacity and size), intro and outro title cards; and
// the list of the project's uploads. Saved as one PATCH of the project's settings.

import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { alertBox, clearErrors, field, fieldset, showErrors } from '../forms.js';
import { describeUpload, uploadButton } from './uploads.js';

const CORNERS = [['top-right', 'Top right'], ['top-left', 'Top left'], ['bottom-right', 'Bottom right'], ['bottom-left', 'Bottom left']];

function cardFields(which, label) {
  const on = h('input', { type: 'checkbox', id: `f-${which}-on` });
  const text = h('input', { maxlength: 120, placeholder: which === 'intro' ? 'The story’s title' : 'Follow for more' });
  const colour = h('input', { type: 'color', value: '#1e2330' });
  const useColour = h('input', { type: 'checkbox', id: `f-${which}-colour-on` });
  const seconds = h('input', { type: 'number', min: 1, max: 4, step: 0.5, value: 1.5, inputmode: 'decimal' });
  const details = h('div', { class: 'form-grid card-fields' },
    field({ label: 'Text', field: `settings.brand.${which}.text`, control: text }),
    h('div', { class: 'field', dataset: { field: `settings.brand.${which}.background` } },
      h('span', { class: 'label' }, 'Background'),
      h('div', { class: 'check' }, useColour, h('label', { for: useColour.id }, 'Own colour'), colour),
      h('p', { class: 'hint' }, 'Without: the story’s palette'),
      h('p', { class: 'field-error', hidden: true })),
    field({ label: 'Seconds on screen', field: `settings.brand.${which}.duration_s`, control: seconds }),
  );
  const el = h('div', { class: 'brand-card' },
    h('div', { class: 'field check' }, on, h('label', { for: on.id }, label)), details);
  const sync = () => { details.hidden = !on.checked; colour.disabled = !useColour.checked; };
  on.addEventListener('change', sync);
  useColour.addEventListener('change', sync);
  return {
    el,
    set(card) {
      on.checked = Boolean(card);
      text.value = card?.text || '';
      useColour.checked = Boolean(card?.background);
      colour.value = card?.background || '#1e2330';
      seconds.value = card?.duration_s ?? 1.5;
      sync();
    },
    read() {
      if (!on.checked) return null;
      return { text: text.value, background: useColour.checked ? colour.value : null, duration_s: Number(seconds.value) };
    },
  };
}

export function soundAndBrand({ getProject, uploads, onSaved }) {
  const musicChoice = (value, label) => h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'music-choice', value }), h('span', { class: 'choice-label' }, label));
  const track = h('select', { 'aria-label': 'Uploaded track' });
  const logo = h('select', { 'aria-label': 'Logo image' });
  const corner = h('select', {}, CORNERS.map(([v, l]) => h('option', { value: v }, l)));
  const opacity = h('input', { type: 'range', min: 0.05, max: 1, step: 0.05, value: 0.8 });
  const size = h('input', { type: 'range', min: 0.05, max: 0.4, step: 0.01, value: 0.15 });
  const intro = cardFields('intro', 'Title card before the story');
  const outro = cardFields('outro', 'Card after the story');
  const library = h('ul', { class: 'upload-list', 'aria-label': 'Uploads' });
  const saved = h('p', { class: 'success', role: 'status' });

  const state = h('span', { class: 'muted small media-state' });
  const form = h(
    'form',
    { class: 'media-form', novalidate: true, 'aria-label': 'Sound and brand' },
    alertBox(),
    fieldset({
      legend: 'Music',
      field: 'settings.music_upload',
      children: [
        h('div', { class: 'choices' }, musicChoice('none', 'None'), musicChoice('bed', 'Music bed'), musicChoice('upload', 'My track')),
        h('div', { class: 'inline-row' }, track, uploadButton({ store: uploads, kinds: ['music'], label: 'Upload a track', onUploaded: (u) => { pick('upload'); wantTrack = u.id; } })),
      ],
      hint: 'The music bed is a soft ambient track; yours plays instead of it. Either is ducked under the voice.',
    }),
    fieldset({
      legend: 'Logo',
      field: 'settings.brand.logo',
      children: [
        h('div', { class: 'inline-row' }, logo, uploadButton({ store: uploads, kinds: ['image'], label: 'Upload a logo', onUploaded: (u) => { wantLogo = u.id; } })),
        h('div', { class: 'form-grid' },
          field({ label: 'Corner', field: 'settings.brand.logo.position', control: corner }),
          field({ label: 'Opacity', field: 'settings.brand.logo.opacity', control: opacity }),
          field({ label: 'Size', field: 'settings.brand.logo.size', control: size })),
      ],
    }),
    intro.el,
    outro.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save sound and brand'), saved),
    h('h3', {}, 'Uploads'),
    library,
  );
  const el = h('details', { class: 'card project-media' }, h('summary', {}, h('h2', { id: 'media-heading' }, 'Sound and brand'), state), form);
  let wantTrack = '';
  let wantLogo = '';

  function pick(value) {
    const input = form.querySelector(`input[name="music-choice"][value="${value}"]`);
    input.checked = true;
    track.disabled = value !== 'upload';
  }
  form.addEventListener('change', (event) => {
    if (event.target.name === 'music-choice') track.disabled = event.target.value !== 'upload';
    if (event.target === track) wantTrack = track.value;
    if (event.target === logo) wantLogo = logo.value;
  });

  function showUploads(all) {
    const music = all.filter((u) => u.kind === 'music');
    const images = all.filter((u) => u.kind === 'image');
    fill(track, music.length ? music.map((u) => h('option', { value: u.id }, describeUpload(u))) : h('option', { value: '' }, 'No track uploaded yet'));
    if (music.some((u) => u.id === wantTrack)) track.value = wantTrack;
    fill(logo, h('option', { value: '' }, 'No logo'), images.map((u) => h('option', { value: u.id }, describeUpload(u))));
    logo.value = images.some((u) => u.id === wantLogo) ? wantLogo : '';
    fill(library, all.length ? all.map((u) => h('li', { dataset: { upload: u.id } }, describeUpload(u))) : h('li', { class: 'muted' }, 'Nothing uploaded yet: images and clips for scenes, music, a logo.'));
  }
  uploads.subscribe(showUploads);

  function update(project) {
    const s = project.settings;
    wantTrack = s.music_upload || '';
    pick(s.music_upload ? 'upload' : s.music ? 'bed' : 'none');
    const brand = s.brand || {};
    wantLogo = brand.logo?.upload || '';
    corner.value = brand.logo?.position || 'top-right';
    opacity.value = brand.logo?.opacity ?? 0.8;
    size.value = brand.logo?.size ?? 0.15;
    intro.set(brand.intro);
    outro.set(brand.outro);
    const parts = [s.music_upload ? 'your track' : s.music ? 'music bed' : 'no music'];
    if (brand.logo) parts.push('logo');
    if (brand.intro) parts.push('intro card');
    if (brand.outro) parts.push('outro card');
    state.textContent = parts.join(' · ');
    uploads.list().then(showUploads).catch((err) => fill(library, h('li', { class: 'field-error' }, err.message)));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    saved.textContent = '';
    const choice = form.querySelector('input[name="music-choice"]:checked')?.value;
    if (choice === 'upload' && !track.value) {
      showErrors(form, { message: 'Upload a track first, or choose another kind of music.', fields: { 'settings.music_upload': 'no track uploaded yet' } });
      return;
    }
    const brand = {
      logo: logo.value ? { upload: logo.value, position: corner.value, opacity: Number(opacity.value), size: Number(size.value) } : null,
      intro: intro.read(),
      outro: outro.read(),
    };
    const settings = { music: choice !== 'none', music_upload: choice === 'upload' ? track.value : '', brand };
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const project = await api.updateProject(getProject().id, { settings, revision: getProject().revision });
      saved.textContent = 'Saved: the next render uses it.';
      onSaved(project);
    } catch (err) {
      showErrors(form, err);
      if (err.code === 'stale_revision') api.getProject(getProject().id).then(onSaved).catch(() => {});
    } finally {
      button.disabled = false;
    }
  });

  return { el, update };
}
