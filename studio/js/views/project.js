// One project, from prompt to video: write the script (and edit it), make the storyboard
// (pictures and the cost of the render), render; or "Render now" in one click. The job being
// made is watched live; the last video stays playable while a new one renders; scenes are
// edited, added, moved and removed; sound, brand kit and uploads; earlier renders.

import { api, hasRoute, schemaHas, watchJob } from '../api.js';
import { h, fill, formatAgo } from '../dom.js';
import { jobPanel, player, announce, TERMINAL } from './job.js';
import { projectMenu } from './project-menu.js';
import { soundAndBrand } from './project-media.js';
import { lookPanel, settingsPanel } from './project-settings.js';
import { sceneBoard } from './scenes.js';
import { listingsPanel } from './listings.js';
import { settingsSummary } from './settings.js';
import { uploadsStore } from './uploads.js';

const LABELS = {
  script: 'Write the script',
  storyboard: 'Make the storyboard',
  render: 'Render video',
  generate: 'Generate video',
  rerender: 'Re-render',
};
// What a scene's picture is painted from: a change to any of them paints it again.
const PICTURE_INPUTS = ['visual_prompt', 'setting', 'mood', 'characters', 'picture_seed', 'clip_source', 'upload_id'];

/** Scenes of `story` whose picture `job` (a storyboard or a render) did not paint as they are. */
export function unpainted(story, job) {
  if (!story) return [];
  const painted = new Map((job?.story?.scenes || []).filter((s) => job.scenes?.[s.id]?.keyframe_key).map((s) => [s.id, s]));
  return story.scenes.filter((scene) => {
    const before = painted.get(scene.id);
    return !before || PICTURE_INPUTS.some((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(scene[k] ?? null));
  }).map((s) => s.id);
}
const STEPS = [['script', 'Script'], ['storyboard', 'Storyboard'], ['video', 'Video']];

export async function renderProject(main, { params: [projectId, jobId], query, signal }) {
  fill(main, h('h1', {}, 'Project'), h('p', { class: 'loading' }, 'Loading…'));
  let project;
  let jobs;
  let caps;
  try {
    [project, { jobs }, caps] = await Promise.all([
      api.getProject(projectId),
      api.listJobs(projectId),
      capabilities(),
    ]);
    if (jobId && !jobs.some((j) => j.id === jobId)) jobs = [await api.getJob(jobId), ...jobs];
  } catch (err) {
    if (signal.aborted) return undefined;
    fill(main, h('h1', {}, 'Project'), h('div', { class: 'alert', role: 'alert' }, err.message), h('p', {}, h('a', { href: '#/' }, 'Back to your projects')));
    return undefined;
  }
  if (signal.aborted) return undefined;

  const state = { project, jobs, job: null, media: null, previous: null, edited: new Set() };
  const selected = jobId ? jobs.find((j) => j.id === jobId) : jobs[0];
  const uploads = uploadsStore(project.id);
  const title = h('h1', {});
  const prompt = h('p', { class: 'lede clamp prompt-text' });
  const more = h('button', { type: 'button', class: 'btn btn-link small', hidden: true, 'aria-expanded': 'false' }, 'Show the whole prompt');
  let expanded = false;
  more.addEventListener('click', () => {
    expanded = !expanded;
    more.textContent = expanded ? 'Show less' : 'Show the whole prompt';
    more.setAttribute('aria-expanded', String(expanded));
    renderHeader();
  });
  const chips = h('p', { class: 'chips' });
  const pageAlert = h('div', { class: 'alert', role: 'alert', tabindex: '-1', hidden: true });
  const runningNote = h('p', { class: 'notice small', role: 'status', hidden: true });
  const stepper = h('ol', { class: 'stepper', 'aria-label': 'From prompt to video', hidden: !caps.script });
  const editedBanner = h('div', { class: 'banner', role: 'status', hidden: true });
  const primary = h('button', { type: 'button', class: 'btn btn-primary', dataset: { action: 'primary' }, onclick: () => act(phase()) });
  const renderNow = h('button', { type: 'button', class: 'btn', onclick: () => act('generate') }, 'Render now');
  const preview = h('button', { type: 'button', class: 'btn', onclick: () => act('preview') }, 'Quick preview');
  const schedule = h('a', { class: 'btn', href: `#/calendar?project=${project.id}` }, 'Schedule publishing');
  const menu = projectMenu({ getProject: () => state.project, canTemplate: caps.templates, onError: showProblem });
  const history = h('nav', { class: 'history', 'aria-label': 'Renders of this project' });

  const panel = jobPanel({ onCancel: cancel, onChangeLanguage: () => openSetting('settings.language') });
  const screen = player();
  const grid = h('div', { class: 'studio-grid' }, panel.el, screen.el);
  const board = sceneBoard({
    onSaved,
    uploads,
    caps,
    onProblem: showProblem,
    onRewrite: caps.script ? () => act('script') : null,
    onRepaint: caps.storyboard ? () => act('storyboard') : null,
    isBusy: () => Boolean(running()),
  });
  const media = soundAndBrand({ getProject: () => state.project, uploads, onSaved: (p) => onSaved(p, null) });
  const look = lookPanel({ getProject: () => state.project, onSaved: (p) => onSaved(p, null) });
  const setup = await settingsPanel({ getProject: () => state.project, onSaved: (p) => onSaved(p, null) });
  /** Opens the settings and puts the focus on one of them (e.g. `settings.language`). */
  function openSetting(name) {
    setup.el.open = true;
    const control = setup.el.querySelector(`[name="${name}"]`);
    control?.scrollIntoView({ block: 'center' });
    control?.focus();
  }
  const listings = await listingsPanel({ getProject: () => state.project, onSaved: (p) => onSaved(p, null) });
  if (signal.aborted) return undefined;

  const running = () => state.jobs.find((j) => !TERMINAL.includes(j.status)) || null;
  const done = (...kinds) => state.jobs.some((j) => j.status === 'done' && kinds.includes(j.kind));
  /** The last job that painted pictures (a storyboard, a preview or a render). */
  const painter = () => state.jobs.find((j) => j.status === 'done' && ['storyboard', 'preview', 'generate'].includes(j.kind));

  /** What the main button does next. */
  function phase() {
    if (!state.project.story) return caps.script ? 'script' : 'generate';
    if (done('generate', 'export')) return 'rerender';
    if (caps.storyboard && (!painter() || unpainted(state.project.story, painter()).length)) return 'storyboard';
    return caps.script ? 'render' : 'generate';
  }

  function label(next) {
    const fresh = next === 'storyboard' && painter() ? unpainted(state.project.story, painter()).length : 0;
    return fresh ? `Paint ${fresh} new picture${fresh === 1 ? '' : 's'}` : LABELS[next];
  }

  function showProblem(message) {
    fill(pageAlert, message);
    pageAlert.hidden = false;
    pageAlert.focus();
  }

  function renderHeader() {
    const p = state.project;
    const named = p.title || p.story?.title || state.job?.story?.title;
    // Until the script names it, the prompt is the heading; either way it is clamped to a few
    // lines until asked for whole.
    title.textContent = named || p.prompt;
    title.classList.toggle('clamp', !named && !expanded);
    prompt.textContent = p.prompt;
    prompt.hidden = !named;
    prompt.classList.toggle('clamp', !expanded);
    more.hidden = p.prompt.length < (named ? 140 : 90) && !p.prompt.includes('\n');
    fill(chips, settingsSummary(p.settings).map((t) => h('span', { class: 'chip' }, t)));
    menu.update(p);
    const next = phase();
    const busy = running();
    primary.textContent = label(next);
    for (const b of [primary, renderNow, preview]) b.disabled = Boolean(busy);
    renderNow.hidden = !['script', 'storyboard'].includes(next);
    preview.hidden = !p.story || next === 'storyboard';
    runningNote.hidden = !busy;
    if (busy) {
      const watching = state.job && busy.id === state.job.id;
      fill(runningNote, watching
        ? `${busy.kind === 'storyboard' ? 'The storyboard' : 'A render'} is running; start another when it ends.`
        : h('span', {}, 'A job of this project is running. ', h('a', { href: `#/projects/${p.id}/jobs/${busy.id}` }, 'Watch it')));
    }
    const n = state.edited.size;
    editedBanner.hidden = n === 0 || !done('generate', 'export');
    fill(editedBanner, `You changed ${n} scene${n === 1 ? '' : 's'}. Re-render to see and hear ${n === 1 ? 'it' : 'them'}: only what changed is made again. `,
      h('button', { type: 'button', class: 'btn btn-primary btn-small', disabled: Boolean(busy), onclick: () => act('generate') }, 'Re-render now'));
    const reached = { script: Boolean(p.story), storyboard: Boolean(painter()) && next !== 'storyboard', video: done('generate', 'export') };
    const current = next === 'script' ? 'script' : next === 'storyboard' ? 'storyboard' : 'video';
    fill(stepper, STEPS.map(([id, label], i) => h('li', {
      class: reached[id] ? 'done' : id === current ? 'current' : '',
      'aria-current': id === current ? 'step' : null,
    }, h('span', { class: 'step-n', 'aria-hidden': 'true' }, reached[id] ? '✓' : i + 1), label)));
  }

  function renderHistory() {
    const shown = state.jobs.filter((j) => j.kind !== 'script');
    fill(history, shown.length > 1 || (shown.length === 1 && !state.job)
      ? [h('h2', {}, 'Renders'), h('ul', {}, shown.map((j) => h('li', {}, h('a', {
          href: `#/projects/${state.project.id}/jobs/${j.id}`,
          'aria-current': state.job && j.id === state.job.id ? 'true' : null,
        }, `${KIND_NAMES[j.kind] || 'Render'} · ${j.status} · `, h('time', { datetime: j.created_at }, formatAgo(j.created_at))))))]
      : []);
  }

  async function act(kind) {
    for (const b of [primary, renderNow, preview]) b.disabled = true;
    pageAlert.hidden = true;
    try {
      if (kind === 'script') {
        announce('Writing the script…');
        const answer = await api.writeScript(state.project.id);
        if (answer && answer.job_id) {
          location.hash = `#/projects/${state.project.id}/jobs/${answer.job_id}`;
          return;
        }
        state.project = await api.getProject(state.project.id);
        state.edited.clear();
        announce('The script is written: read it, edit it, then make the storyboard.');
        renderHeader();
        board.update({ project: state.project });
        return;
      }
      const route = kind === 'rerender' || kind === 'render' ? 'generate' : kind;
      const { job_id: newJob } = await api.start(state.project.id, route);
      location.hash = `#/projects/${state.project.id}/jobs/${newJob}`;
    } catch (err) {
      const other = err.status === 409 && (err.fields?.job_id || err.fields?.running_job);
      showProblem(other ? h('span', {}, `${err.message} `, h('a', { href: `#/projects/${state.project.id}/jobs/${other}` }, 'Watch that job')) : err.message);
      renderHeader();
    }
  }

  async function cancel() {
    if (!state.job) return;
    try {
      await api.cancelJob(state.job.id);
    } catch (err) {
      showProblem(err.message);
    }
  }

  function onSaved(saved, sceneId) {
    state.project = saved;
    if (sceneId) {
      state.edited.add(sceneId);
      announce('Scene saved. Re-render to see and hear it.');
    }
    renderHeader();
    board.update({ project: saved });
    for (const panel of [media, look, setup, listings]) panel.update(saved);
  }

  // Media links are asked for when the job references media it had not before.
  let mediaSeen = '';
  let mediaBusy = false;
  async function refreshMedia(job) {
    const keys = [job.outputs.video, ...Object.values(job.scenes).flatMap((s) => [s.keyframe_key, s.clip_key])].filter(Boolean).join('|');
    if (keys === mediaSeen || mediaBusy) return;
    mediaBusy = true;
    try {
      const answer = await api.jobMedia(job.id);
      mediaSeen = keys;
      if (!stopped) {
        state.media = answer;
        showJob();
      }
    } catch {
      // the next change asks again
    } finally {
      mediaBusy = false;
      if (!stopped && state.job && state.job.updated_at !== job.updated_at) refreshMedia(state.job);
    }
  }

  /** The last finished video before the watched job, shown while (or when) it has none. */
  async function loadPrevious() {
    const at = state.jobs.indexOf(state.job);
    const earlier = state.jobs.slice(at + 1).find((j) => j.status === 'done' && j.outputs?.video);
    if (!earlier) return;
    try {
      state.previous = { job: earlier, media: await api.jobMedia(earlier.id) };
      if (!stopped) showJob();
    } catch {
      // no previous video to show
    }
  }

  function latestKeyframe() {
    const job = state.job;
    if (!job || !state.media) return null;
    const id = [...job.scene_ids].reverse().find((sid) => state.media.keyframes[sid]);
    return id ? state.media.keyframes[id] : null;
  }

  function showJob() {
    const job = state.job;
    renderHeader();
    panel.update(job);
    const previous = state.media?.video ? null : state.previous;
    screen.update(job, state.media, { title: title.textContent, latestKeyframe: latestKeyframe(), previous });
    // A script or a storyboard makes no video: the panel takes the width, unless an earlier
    // video is there to play.
    const noPlayer = ['script', 'storyboard'].includes(job.kind) && !previous?.media?.video;
    screen.el.hidden = noPlayer;
    grid.classList.toggle('no-player', noPlayer);
    board.update({ job, media: state.media, project: state.project });
  }

  let stopped = false;
  let stopWatch = () => {};
  if (selected) {
    state.job = selected;
    stopWatch = watchJob(selected.id, {
      onJob: async (job) => {
        if (stopped) return;
        const wasRunning = !TERMINAL.includes(state.job.status);
        state.job = job;
        state.jobs = state.jobs.map((j) => (j.id === job.id ? job : j));
        if (TERMINAL.includes(job.status) && wasRunning) {
          renderHistory();
          // The pipeline wrote the story (and its revision): edits start from it.
          api.getProject(state.project.id).then((p) => { if (!stopped) { state.project = p; state.edited.clear(); showJob(); for (const x of [media, look, setup]) x.update(p); } }).catch(() => {});
        } else if (job.story && !state.project.story) {
          api.getProject(state.project.id).then((p) => { if (!stopped) { state.project = p; board.update({ project: p }); renderHeader(); } }).catch(() => {});
        }
        showJob();
        refreshMedia(job);
      },
      onError: (err) => showProblem(err.message),
    });
  }

  const body = state.job
    ? grid
    : h('div', { class: 'card empty' }, h('p', { class: 'empty-title' }, state.project.story ? 'The script is ready.' : 'Nothing made yet.'),
        h('p', {}, state.project.story
          ? `Read and edit the scenes below, then ${caps.storyboard ? 'make the storyboard to see their pictures and the cost' : 'generate the video'}.`
          : caps.script
            ? 'Write the script to read and edit it before anything is painted; or render the whole video now.'
            : 'Generate the video to write the story, paint the scenes and voice them.'));

  fill(
    main,
    h('div', { class: 'page-head project-head' },
      h('div', { class: 'project-intro' }, title, prompt, more, chips),
      h('div', { class: 'actions' }, primary, renderNow, preview, schedule, menu.el)),
    stepper,
    pageAlert,
    runningNote,
    editedBanner,
    body,
    board.el,
    h('div', { class: 'project-sections' }, look.el, media.el, setup.el, listings.el),
    history,
  );
  const problem = query.get('problem');
  if (problem) showProblem(problem);
  renderHistory();
  if (state.job) {
    showJob();
    loadPrevious();
  } else {
    renderHeader();
    board.update({ project: state.project });
  }
  for (const panel of [media, look, setup, listings]) panel.update(state.project);

  return () => {
    stopped = true;
    stopWatch();
    panel.stop();
  };
}

const KIND_NAMES = { preview: 'Preview', export: 'Export', storyboard: 'Storyboard', generate: 'Render' };

/** What this server can do beyond rendering, from its OpenAPI document. */
async function capabilities() {
  const [script, storyboard, templates, pictureSeed] = await Promise.all([
    hasRoute('POST', '/projects/{project_id}/script'),
    hasRoute('POST', '/projects/{project_id}/storyboard'),
    hasRoute('POST', '/templates'),
    schemaHas('UpdateScene', 'picture_seed'),
  ]);
  return { script, storyboard, templates, pictureSeed };
}
