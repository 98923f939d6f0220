// One scene as a card: its picture (or clip) as it is made, the words, progress badges, why it
// fell back, its estimated cost; and the tools: edit the words and the picture's description,
// choose what moves (AI clip, Ken Burns, an upload), move, delete, add a scene after it.

import { api, resolveLink } from '../api.js';
import { h, fill, formatUsd } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';
import { describeUpload, uploadButton } from './uploads.js';

const STEP_TEXT = { pending: 'waiting', running: 'working', done: 'done', fallback: 'fallback', failed: 'failed' };
const SOURCE_TEXT = { veo: 'Veo clip', kenburns: 'Ken Burns', offline: 'Ken Burns (offline)', upload: 'Your upload' };
const MOTION = [['ai', 'AI clip'], ['kenburns', 'Ken Burns (no AI cost)'], ['upload', 'My upload']];
const SECONDS = [4, 6, 8];

/** The estimated cost of rendering `sceneId`, from a storyboard (or any) job, in dollars. */
export function sceneEstimate(job, sceneId) {
  const est = job?.estimate;
  if (!est) return null;
  const line = est.scenes?.[sceneId] ?? est.per_scene?.[sceneId];
  if (line === undefined || line === null) return null;
  return typeof line === 'number' ? line : line.usd ?? line.estimated_usd ?? line.total_usd ?? null;
}

/**
 * `ctx`: {getState, onSaved(project, sceneId), uploads, onMove(sceneId, step), onDelete(sceneId),
 * onInsertAfter(sceneId)}.
 */
export function sceneCard(sceneId, ctx) {
  const figure = h('div', { class: 'scene-media' });
  const heading = h('h3', {});
  const onScreen = h('p', { class: 'on-screen', hidden: true });
  const narration = h('p', { class: 'narration' });
  const badges = h('ul', { class: 'badges', 'aria-label': 'Progress of this scene' });
  const notes = h('div', { class: 'scene-notes' });
  const cost = h('p', { class: 'scene-cost small', hidden: true });
  const edit = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit' } }, 'Edit text');
  const repaint = ctx.onNewPicture
    ? h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'new-picture' }, onclick: () => ctx.onNewPicture(sceneId) }, 'New picture')
    : null;
  const motion = h('select', { class: 'motion-select', 'aria-label': `Motion of scene ${sceneId}` }, MOTION.map(([v, l]) => h('option', { value: v }, l)));
  const more = h('details', { class: 'scene-more' }, h('summary', { class: 'btn btn-small' }, 'Scene…'), h('div', { class: 'scene-more-items' },
    h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'up' }, onclick: () => ctx.onMove(sceneId, -1) }, 'Move earlier'),
    h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'down' }, onclick: () => ctx.onMove(sceneId, 1) }, 'Move later'),
    h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'insert' }, onclick: () => ctx.onInsertAfter(sceneId) }, 'Add a scene after'),
    h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'delete' }, onclick: () => ctx.onDelete(sceneId) }, 'Delete scene')));
  const sourceRow = h('div', { class: 'source-row', hidden: true });
  const editor = h('div', { class: 'scene-editor', hidden: true });
  const tools = h('div', { class: 'scene-actions' }, edit, repaint, more);
  const el = h('li', { class: 'scene-card', dataset: { scene: sceneId } }, figure,
    h('div', { class: 'scene-body' }, heading, onScreen, narration, badges, notes, cost, h('label', { class: 'motion-label' }, 'Motion', motion), sourceRow, tools, editor));
  let shown = '';
  let current = null;

  edit.addEventListener('click', () => openEditor());
  // "My upload" waits for the person to pick or send a file: until then the scene's saved
  // motion (which an update may bring back, e.g. an earlier save answering late) must not
  // take the choice away.
  let choosingUpload = false;
  motion.addEventListener('change', () => {
    choosingUpload = motion.value === 'upload';
    if (choosingUpload) return showSources();
    return save({ clip_source: motion.value, upload_id: '' });
  });

  async function save(change, after = () => {}) {
    const latest = ctx.getState().project;
    try {
      const project = await api.updateScene(latest.id, sceneId, { ...change, revision: latest.revision });
      after();
      ctx.onSaved(project, sceneId);
    } catch (err) {
      ctx.onProblem(`Scene ${sceneId}: ${err.message}`);
      if (err.code === 'stale_revision') api.getProject(latest.id).then((p) => ctx.onSaved(p, null)).catch(() => {});
      update(current, [...el.parentNode.children].indexOf(el));
    }
  }

  // Which upload the scene shows (images get Ken Burns motion, clips play), and a button to
  // send another; the button (and what it last said) stays while the list is redrawn.
  const pick = h('select', { 'aria-label': 'Which upload' });
  pick.addEventListener('change', () => { if (pick.value) save({ clip_source: 'upload', upload_id: pick.value }); });
  fill(sourceRow, pick, uploadButton({ store: ctx.uploads, kinds: ['image', 'clip'], label: 'Upload a picture or clip',
    onUploaded: (u) => save({ clip_source: 'upload', upload_id: u.id }) }));

  async function showSources() {
    const all = await ctx.uploads.list().catch(() => []);
    const usable = all.filter((u) => u.kind === 'image' || u.kind === 'clip');
    const chosen = current?.clip_source === 'upload' ? current.upload_id : '';
    fill(pick,
      h('option', { value: '' }, usable.length ? 'Choose an upload…' : 'Nothing uploaded yet'),
      usable.map((u) => h('option', { value: u.id, selected: u.id === chosen }, describeUpload(u))));
    sourceRow.hidden = false;
  }

  function openEditor() {
    const { project } = ctx.getState();
    const scene = project?.story?.scenes.find((s) => s.id === sceneId);
    if (!scene) return;
    const narrationInput = h('textarea', { id: `n-${sceneId}`, name: 'narration', rows: 4, maxlength: 1000 });
    narrationInput.value = scene.narration;
    const onScreenInput = h('input', { id: `o-${sceneId}`, name: 'on_screen_text', maxlength: 120, value: scene.on_screen_text || '' });
    const pictureInput = h('textarea', { id: `v-${sceneId}`, name: 'visual_prompt', rows: 3, maxlength: 2000 });
    pictureInput.value = scene.visual_prompt;
    const seconds = h('select', { id: `s-${sceneId}` }, SECONDS.map((s) => h('option', { value: s, selected: s === scene.clip_seconds }, `${s} s`)));
    const form = h(
      'form',
      { novalidate: true },
      alertBox(),
      field({ label: 'Narration', field: 'narration', control: narrationInput }),
      field({ label: 'On-screen text', field: 'on_screen_text', control: onScreenInput }),
      field({ label: 'Picture', field: 'visual_prompt', control: pictureInput, hint: 'What the scene shows: a new description paints a new picture' }),
      field({ label: 'Clip length', field: 'clip_seconds', control: seconds }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Save scene'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: close }, 'Cancel')),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const before = ctx.getState().project.story.scenes.find((s) => s.id === sceneId);
      const change = {};
      if (narrationInput.value !== before.narration) change.narration = narrationInput.value;
      if (onScreenInput.value !== (before.on_screen_text || '')) change.on_screen_text = onScreenInput.value;
      if (pictureInput.value !== before.visual_prompt) change.visual_prompt = pictureInput.value;
      if (Number(seconds.value) !== before.clip_seconds) change.clip_seconds = Number(seconds.value);
      if (!Object.keys(change).length) return close();
      clearErrors(form);
      const button = form.querySelector('[type=submit]');
      button.disabled = true;
      const latest = ctx.getState().project;
      try {
        const project = await api.updateScene(latest.id, sceneId, { ...change, revision: latest.revision });
        close();
        ctx.onSaved(project, sceneId);
      } catch (err) {
        showErrors(form, err);
        // Someone else changed the project: take its new revision (keep what was typed).
        if (err.code === 'stale_revision') api.getProject(latest.id).then((p) => ctx.onSaved(p, null)).catch(() => {});
      } finally {
        button.disabled = false;
      }
      return undefined;
    });
    fill(editor, form);
    editor.hidden = false;
    tools.hidden = true;
    narrationInput.focus();
  }

  function close() {
    editor.hidden = true;
    fill(editor);
    tools.hidden = false;
    edit.focus();
  }

  function update(scene, index) {
    const { job, media, project, count } = ctx.getState();
    // What this job makes for each scene: a script nothing, a storyboard the picture (and the
    // voice when asked), a render all three.
    const steps = !job || job.kind === 'script' ? [] : job.kind === 'storyboard' ? (job.with_narration ? ['narration', 'keyframe'] : ['keyframe']) : ['narration', 'keyframe', 'clip'];
    const state = steps.length ? job?.scenes?.[sceneId] : undefined;
    const rendered = job?.story?.scenes.find((s) => s.id === sceneId);
    current = scene;
    fill(heading, `Scene ${index + 1}`, h('span', { class: 'beat' }, ` · ${scene.beat} · ${scene.clip_seconds} s`));
    onScreen.hidden = !scene.on_screen_text;
    onScreen.textContent = scene.on_screen_text || '';
    narration.textContent = scene.narration;
    const editable = Boolean(project?.story);
    tools.hidden = !editor.hidden || !editable;
    motion.parentNode.hidden = !editable;
    const source = scene.clip_source === 'upload' ? scene.upload_id : '';
    if (source) choosingUpload = false; // chosen and saved
    motion.value = choosingUpload ? 'upload' : scene.clip_source || 'ai';
    if (source && sourceRow.dataset.upload !== source) {
      sourceRow.dataset.upload = source;
      showSources();
    } else if (!source && !choosingUpload) {
      sourceRow.dataset.upload = '';
      sourceRow.hidden = true;
    }
    el.querySelector('[data-action="up"]').disabled = index === 0;
    el.querySelector('[data-action="down"]').disabled = index === count - 1;
    el.querySelector('[data-action="delete"]').disabled = count <= 1;
    if (repaint) {
      repaint.disabled = ctx.isBusy();
      repaint.hidden = scene.clip_source === 'upload'; // an upload is the picture
    }

    const image = media?.keyframes?.[sceneId];
    const clip = media?.clips?.[sceneId];
    const showing = `${image}|${clip}|${state?.keyframe}|${index}`;
    if (showing !== shown) {
      shown = showing;
      const alt = `Picture of scene ${index + 1}: ${scene.visual_prompt}`;
      fill(
        figure,
        clip
          ? h('video', { src: resolveLink(clip), poster: image ? resolveLink(image) : null, controls: true, muted: true, loop: true, preload: 'metadata', 'aria-label': `Clip of scene ${index + 1}` })
          : image
            ? h('img', { src: resolveLink(image), alt, loading: 'lazy' })
            : h('div', { class: state ? 'placeholder' : 'placeholder no-picture' }, state && state.keyframe === 'running' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, h('span', {}, state ? `Picture ${STEP_TEXT[state.keyframe]}` : 'No picture yet')),
      );
    }

    fill(badges, state
      ? [
          steps.includes('narration') ? badge('Voice', state.narration) : null,
          badge('Picture', state.keyframe),
          steps.includes('clip') ? badge(state.clip_source ? SOURCE_TEXT[state.clip_source] || state.clip_source : 'Motion', state.clip) : null,
        ]
      : []);
    const estimate = sceneEstimate(job, sceneId);
    cost.hidden = estimate === null;
    cost.textContent = estimate === null ? '' : `Render estimate: ${formatUsd(estimate)}`;
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
    const since = job?.kind === 'storyboard' ? 'this storyboard' : job?.kind === 'script' ? 'the script was written' : 'this render';
    if (rendered && ['narration', 'on_screen_text', 'visual_prompt', 'picture_seed', 'clip_source', 'upload_id', 'clip_seconds']
      .some((k) => JSON.stringify(rendered[k] ?? '') !== JSON.stringify(scene[k] ?? ''))) {
      noteList.push(h('p', { class: 'note note-edit' }, `Changed since ${since}`));
    } else if (job && !rendered && job.story) {
      noteList.push(h('p', { class: 'note note-edit' }, `New since ${since}`));
    }
    fill(notes, noteList);
  }

  return { el, update, get scene() { return current; } };
}

function badge(label, step) {
  return h('li', { class: `badge badge-${step}` }, h('span', { class: 'visually-hidden' }, `${label}: `), h('span', { 'aria-hidden': 'true' }, label), h('span', { class: 'badge-state' }, ` ${STEP_TEXT[step] || step}`));
}
