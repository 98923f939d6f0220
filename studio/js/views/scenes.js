// The scenes of a story as cards that fill in while a job runs, with the script's tools: edit
// a scene, choose its motion, move it, delete it, add one; rewrite the whole script; and the
// storyboard's estimate of what the render will cost.

import { api } from '../api.js';
import { h, fill, formatUsd } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';
import { sceneCard } from './scene-card.js';

const SECONDS = [4, 6, 8];

/** The render's estimated total from a job's `estimate`, in dollars (or null). */
function totalEstimate(job) {
  const est = job?.estimate;
  if (!est) return null;
  const total = est.total_usd ?? est.total?.usd ?? est.total ?? est.estimated_usd;
  return typeof total === 'number' ? total : null;
}

/**
 * `update({project, job, media})` on every change; cards are kept by scene id, so an edit in
 * progress survives updates. `onSaved(project, sceneId)` after a change to the story.
 */
export function sceneBoard({ onSaved, uploads, caps = {}, onProblem, onRewrite, onRepaint, isBusy = () => false }) {
  const list = h('ol', { class: 'scene-grid', 'aria-label': 'Scenes' });
  const empty = h('p', { class: 'muted' });
  const summary = h('p', { class: 'board-summary', hidden: true });
  const addForm = h('div', { class: 'add-scene', hidden: true });
  const add = h('button', { type: 'button', class: 'btn btn-small', onclick: () => openAdd(null) }, 'Add a scene');
  const rewrite = onRewrite ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => {
    if (window.confirm('Write the whole script again? Your edits to it are replaced.')) onRewrite();
  } }, 'Rewrite the script') : null;
  const tools = h('div', { class: 'actions board-tools', hidden: true }, add, rewrite);
  const el = h('section', { class: 'scenes', 'aria-labelledby': 'scenes-heading' },
    h('div', { class: 'scenes-head' }, h('h2', { id: 'scenes-heading' }, 'Scenes'), tools), summary, empty, list, addForm);
  const cards = new Map();
  let state = {};

  const story = () => state.project?.story || null;

  async function change(fn, sceneId = null) {
    const project = state.project;
    try {
      onSaved(await fn(project), sceneId);
    } catch (err) {
      onProblem(err.message);
      if (err.code === 'stale_revision') api.getProject(project.id).then((p) => onSaved(p, null)).catch(() => {});
    }
  }

  const ctx = {
    getState: () => ({ ...state, count: story()?.scenes.length || 0 }),
    onSaved: (p, sid) => onSaved(p, sid),
    onProblem,
    uploads,
    isBusy,
    // "New picture": another seed for the scene's picture, painted at once (a storyboard job
    // paints only what changed).
    onNewPicture: caps.pictureSeed && onRepaint ? (sceneId) => change(async (p) => {
      const scene = p.story.scenes.find((s) => s.id === sceneId);
      const saved = await api.updateScene(p.id, sceneId, { picture_seed: (scene.picture_seed || 0) + 1, revision: p.revision });
      onRepaint();
      return saved;
    }, sceneId) : null,
    onMove: (sceneId, step) => change((p) => {
      const order = p.story.scenes.map((s) => s.id);
      const from = order.indexOf(sceneId);
      const to = from + step;
      if (to < 0 || to >= order.length) return p;
      order.splice(from, 1);
      order.splice(to, 0, sceneId);
      return api.reorderScenes(p.id, { order, revision: p.revision });
    }, sceneId),
    onDelete: (sceneId) => {
      const index = story().scenes.findIndex((s) => s.id === sceneId);
      if (!window.confirm(`Delete scene ${index + 1}? Its words and picture go; the others stay as they are.`)) return;
      change((p) => api.deleteScene(p.id, sceneId, p.revision), sceneId);
    },
    onInsertAfter: (sceneId) => openAdd(sceneId),
  };

  function openAdd(afterId) {
    const narration = h('textarea', { rows: 3, maxlength: 1000 });
    const picture = h('textarea', { rows: 2, maxlength: 2000 });
    const seconds = h('select', {}, SECONDS.map((s) => h('option', { value: s, selected: s === 6 }, `${s} s`)));
    const scenes = story().scenes;
    const index = afterId ? scenes.findIndex((s) => s.id === afterId) + 1 : scenes.length;
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'add-scene-heading' },
      h('h3', { id: 'add-scene-heading' }, index === scenes.length ? 'Add a scene at the end' : `Add a scene after scene ${index}`),
      alertBox(),
      field({ label: 'Narration', field: 'scene.narration', control: narration }),
      field({ label: 'Picture', field: 'scene.visual_prompt', control: picture, hint: 'What the scene shows' }),
      field({ label: 'Clip length', field: 'scene.clip_seconds', control: seconds }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Add scene'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => { addForm.hidden = true; fill(addForm); } }, 'Cancel')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const p = state.project;
      try {
        const saved = await api.insertScene(p.id, {
          revision: p.revision,
          index,
          scene: { narration: narration.value, visual_prompt: picture.value, clip_seconds: Number(seconds.value) },
        });
        addForm.hidden = true;
        fill(addForm);
        const added = saved.story.scenes[index];
        onSaved(saved, added ? added.id : null);
      } catch (err) {
        showErrors(form, err);
      }
    });
    fill(addForm, form);
    addForm.hidden = false;
    narration.focus();
  }

  function update(next) {
    state = { ...state, ...next };
    const { project, job } = state;
    const written = project?.story || job?.story;
    // Pictures are shown whole, in the video's own shape.
    const aspect = job?.render?.aspect || project?.settings?.aspect;
    el.dataset.shape = aspect === '9:16' ? 'tall' : aspect === '1:1' ? 'square' : 'wide';
    tools.hidden = !project?.story;
    const total = totalEstimate(job);
    summary.hidden = total === null;
    summary.textContent = total === null ? '' : `The render is estimated at ${formatUsd(total)}: AI clips cost the most; Ken Burns scenes cost nothing to animate.`;
    if (!written) {
      list.hidden = true;
      empty.hidden = false;
      empty.textContent = job && !['failed', 'cancelled'].includes(job.status)
        ? 'Writing the script… scenes appear here as soon as it is written.'
        : 'The script’s scenes appear here once it is written.';
      return;
    }
    list.hidden = false;
    empty.hidden = true;
    const ids = written.scenes.map((s) => s.id);
    for (const [id, card] of cards) {
      if (!ids.includes(id)) {
        card.el.remove();
        cards.delete(id);
      }
    }
    written.scenes.forEach((scene, index) => {
      let card = cards.get(scene.id);
      if (!card) {
        card = sceneCard(scene.id, ctx);
        cards.set(scene.id, card);
      }
      if (list.children[index] !== card.el) list.insertBefore(card.el, list.children[index] || null);
      card.update(scene, index);
    });
  }

  return { el, update };
}
