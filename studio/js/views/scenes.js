// The scenes of a story as cards that fill in while a job runs (keyframe, voice, motion, and
// which scenes fell back to Ken Burns and why), each with its text editable.

import { api, resolveLink } from '../api.js';
import { h, fill } from '../dom.js';
import { alertBox, clearErrors, showErrors } from '../forms.js';

const STEP_TEXT = { pending: 'waiting', running: 'working', done: 'done', fallback: 'fallback', failed: 'failed' };
const SOURCE_TEXT = { veo: 'Veo clip', kenburns: 'Ken Burns', offline: 'Ken Burns (offline)' };

/**
 * `update({project, job, media})` on every change; cards are kept by scene id, so an edit in
 * progress survives updates. `onSaved(project)` after a scene's text was saved.
 */
export function sceneBoard({ onSaved }) {
  const list = h('ol', { class: 'scene-grid', 'aria-label': 'Scenes' });
  const empty = h('p', { class: 'muted' });
  const el = h('section', { class: 'scenes', 'aria-labelledby': 'scenes-heading' }, h('h2', { id: 'scenes-heading' }, 'Scenes'), empty, list);
  const cards = new Map();
  let state = {};

  function update(next) {
    state = { ...state, ...next };
    const { project, job } = state;
    const story = project?.story || job?.story;
    // Pictures are shown whole, in the video's own shape.
    const aspect = job?.render?.aspect || project?.settings?.aspect;
    el.dataset.shape = aspect === '9:16' ? 'tall' : aspect === '1:1' ? 'square' : 'wide';
    if (!story) {
      list.hidden = true;
      empty.hidden = false;
      empty.textContent = job && !['failed', 'cancelled'].includes(job.status)
        ? 'Writing the script… scenes appear here as soon as it is written.'
        : 'The story is written when you generate the video.';
      return;
    }
    list.hidden = false;
    empty.hidden = true;
    const ids = story.scenes.map((s) => s.id);
    for (const [id, card] of cards) {
      if (!ids.includes(id)) {
        card.el.remove();
        cards.delete(id);
      }
    }
    story.scenes.forEach((scene, index) => {
      let card = cards.get(scene.id);
      if (!card) {
        card = sceneCard(scene.id, () => state, onSaved);
        cards.set(scene.id, card);
      }
      if (list.children[index] !== card.el) list.insertBefore(card.el, list.children[index] || null);
      card.update(scene, index);
    });
  }

  return { el, update };
}

function sceneCard(sceneId, getState, onSaved) {
  const figure = h('div', { class: 'scene-media' });
  const heading = h('h3', {});
  const onScreen = h('p', { class: 'on-screen', hidden: true });
  const narration = h('p', { class: 'narration' });
  const badges = h('ul', { class: 'badges', 'aria-label': 'Progress of this scene' });
  const notes = h('div', { class: 'scene-notes' });
  const edit = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit' } }, 'Edit text');
  const editor = h('div', { class: 'scene-editor', hidden: true });
  const el = h('li', { class: 'scene-card', dataset: { scene: sceneId } }, figure, h('div', { class: 'scene-body' }, heading, onScreen, narration, badges, notes, h('div', { class: 'scene-actions' }, edit), editor));
  let shown = '';
  let current = null;

  edit.addEventListener('click', () => openEditor());

  function openEditor() {
    const { project } = getState();
    const scene = project?.story?.scenes.find((s) => s.id === sceneId);
    if (!scene) return;
    const narrationInput = h('textarea', { id: `n-${sceneId}`, name: 'narration', rows: 4, maxlength: 1000 });
    narrationInput.value = scene.narration;
    const onScreenInput = h('input', { id: `o-${sceneId}`, name: 'on_screen_text', maxlength: 120, value: scene.on_screen_text || '' });
    const form = h(
      'form',
      { novalidate: true },
      alertBox(),
      h('div', { class: 'field', dataset: { field: 'narration' } },
        h('label', { for: narrationInput.id }, 'Narration'), narrationInput,
        h('p', { class: 'field-error', hidden: true })),
      h('div', { class: 'field', dataset: { field: 'on_screen_text' } },
        h('label', { for: onScreenInput.id }, 'On-screen text'), onScreenInput,
        h('p', { class: 'field-error', hidden: true })),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Save scene'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: close }, 'Cancel')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const latest = getState().project;
      const before = latest.story.scenes.find((s) => s.id === sceneId);
      const body = { revision: latest.revision };
      if (narrationInput.value !== before.narration) body.narration = narrationInput.value;
      if (onScreenInput.value !== (before.on_screen_text || '')) body.on_screen_text = onScreenInput.value;
      if (Object.keys(body).length === 1) return close();
      clearErrors(form);
      const save = form.querySelector('[type=submit]');
      save.disabled = true;
      try {
        const project = await api.updateScene(latest.id, sceneId, body);
        close();
        onSaved(project, sceneId);
      } catch (err) {
        showErrors(form, err);
        if (err.code === 'stale_revision') {
          // Someone else changed the project: take its new revision (keep what was typed).
          api.getProject(latest.id).then((p) => onSaved(p, null)).catch(() => {});
        }
      } finally {
        save.disabled = false;
      }
      return undefined;
    });
    fill(editor, form);
    editor.hidden = false;
    edit.hidden = true;
    narrationInput.focus();
  }

  function close() {
    editor.hidden = true;
    fill(editor);
    edit.hidden = false;
    edit.focus();
  }

  function update(scene, index) {
    const { job, media, project } = getState();
    const state = job?.scenes?.[sceneId];
    const rendered = job?.story?.scenes.find((s) => s.id === sceneId);
    current = scene;
    fill(heading, `Scene ${index + 1}`, h('span', { class: 'beat' }, ` · ${scene.beat} · ${scene.clip_seconds} s`));
    onScreen.hidden = !scene.on_screen_text;
    onScreen.textContent = scene.on_screen_text || '';
    narration.textContent = scene.narration;
    edit.hidden = !editor.hidden || !project?.story;

    const image = media?.keyframes?.[sceneId];
    const clip = media?.clips?.[sceneId];
    const showing = `${image}|${clip}|${state?.keyframe}|${index}`;
    if (showing !== shown) {
      shown = showing;
      const alt = `Keyframe of scene ${index + 1}: ${scene.visual_prompt}`;
      fill(
        figure,
        clip
          ? h('video', { src: resolveLink(clip), poster: image ? resolveLink(image) : null, controls: true, muted: true, loop: true, preload: 'metadata', 'aria-label': `Clip of scene ${index + 1}` })
          : image
            ? h('img', { src: resolveLink(image), alt, loading: 'lazy' })
            : h('div', { class: 'placeholder' }, state && state.keyframe === 'running' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, h('span', {}, state ? `Picture ${STEP_TEXT[state.keyframe]}` : 'Not rendered yet')),
      );
    }

    fill(
      badges,
      state
        ? [
            badge('Voice', state.narration),
            badge('Picture', state.keyframe),
            badge(state.clip_source ? SOURCE_TEXT[state.clip_source] : 'Motion', state.clip),
          ]
        : [],
    );
    const noteList = [];
    if (state?.clip === 'fallback') {
      noteList.push(h('p', { class: 'note note-warn' }, h('strong', {}, 'Fell back to Ken Burns: '), state.fallback_reason || 'no reason recorded'));
    } else if (state?.fallback_reason) {
      // A keyframe drawn again without its characters after a safety refusal; the clip is AI.
      noteList.push(h('p', { class: 'note note-warn' }, h('strong', {}, 'Picture toned down: '), state.fallback_reason));
    }
    if (job?.status === 'done' && job.reused_scenes?.length) {
      if (job.regenerated_scenes.includes(sceneId)) noteList.push(h('p', { class: 'note note-new' }, 'Made anew in this render'));
      else if (job.reused_scenes.includes(sceneId)) noteList.push(h('p', { class: 'note' }, 'Reused from the cache'));
    }
    if (rendered && (rendered.narration !== scene.narration || (rendered.on_screen_text || '') !== (scene.on_screen_text || ''))) {
      noteList.push(h('p', { class: 'note note-edit' }, 'Edited since this render'));
    }
    fill(notes, noteList);
  }

  return { el, update, get scene() { return current; } };
}

function badge(label, step) {
  return h('li', { class: `badge badge-${step}` }, h('span', { class: 'visually-hidden' }, `${label}: `), h('span', { 'aria-hidden': 'true' }, label), h('span', { class: 'badge-state' }, ` ${STEP_TEXT[step] || step}`));
}
