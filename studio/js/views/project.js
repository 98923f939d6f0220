// One project: its settings, the job being watched live (or the last one), the video, the
// scenes with their text editable, a re-render, and earlier renders.

import { api, watchJob } from '../api.js';
import { h, fill, formatAgo } from '../dom.js';
import { jobPanel, player, announce } from './job.js';
import { sceneBoard } from './scenes.js';
import { settingsSummary } from './settings.js';

const TERMINAL = ['done', 'failed', 'cancelled'];

export async function renderProject(main, { params: [projectId, jobId], signal }) {
  fill(main, h('h1', {}, 'Project'), h('p', { class: 'loading' }, 'Loading…'));
  let project;
  let jobs;
  try {
    [project, { jobs }] = await Promise.all([api.getProject(projectId), api.listJobs(projectId)]);
  } catch (err) {
    if (signal.aborted) return undefined;
    fill(main, h('h1', {}, 'Project'), h('div', { class: 'alert', role: 'alert' }, err.message), h('p', {}, h('a', { href: '#/' }, 'Back to your projects')));
    return undefined;
  }
  if (signal.aborted) return undefined;

  const state = { project, job: null, media: null, edited: new Set() };
  const selected = jobId ? jobs.find((j) => j.id === jobId) : jobs[0];
  const title = h('h1', {});
  const prompt = h('p', { class: 'lede' });
  const chips = h('p', { class: 'chips' });
  const pageAlert = h('div', { class: 'alert', role: 'alert', tabindex: '-1', hidden: true });
  const editedBanner = h('div', { class: 'banner', role: 'status', hidden: true });
  const primary = h('button', { type: 'button', class: 'btn btn-primary', dataset: { action: 'generate' }, onclick: () => start('generate') }, 'Generate video');
  const preview = h('button', { type: 'button', class: 'btn', onclick: () => start('preview') }, 'Quick preview');
  const schedule = h('a', { class: 'btn', href: `#/calendar?project=${project.id}` }, 'Schedule publishing');
  const history = h('nav', { class: 'history', 'aria-label': 'Renders of this project' });

  const panel = jobPanel({ onCancel: cancel });
  const screen = player();
  const board = sceneBoard({ onSaved });

  function renderHeader() {
    const p = state.project;
    title.textContent = p.title || p.story?.title || state.job?.story?.title || p.prompt;
    prompt.textContent = p.prompt;
    fill(chips, settingsSummary(p.settings).map((t) => h('span', { class: 'chip' }, t)));
    primary.textContent = state.job ? 'Re-render' : 'Generate video';
    const n = state.edited.size;
    editedBanner.hidden = n === 0;
    fill(editedBanner, `You changed ${n} scene${n === 1 ? '' : 's'}. Re-render to see and hear ${n === 1 ? 'it' : 'them'}: only what changed is made again. `,
      h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: () => start('generate') }, 'Re-render now'));
  }

  function renderHistory() {
    fill(
      history,
      jobs.length > 1 || (jobs.length === 1 && !state.job)
        ? [
            h('h2', {}, 'Renders'),
            h('ul', {}, jobs.map((j) => h('li', {}, h('a', {
              href: `#/projects/${project.id}/jobs/${j.id}`,
              'aria-current': state.job && j.id === state.job.id ? 'true' : null,
            }, `${j.kind === 'preview' ? 'Preview' : j.kind === 'export' ? 'Export' : 'Render'} · ${j.status} · `, h('time', { datetime: j.created_at }, formatAgo(j.created_at)))))),
          ]
        : [],
    );
  }

  async function start(kind) {
    primary.disabled = true;
    preview.disabled = true;
    pageAlert.hidden = true;
    try {
      const { job_id: newJob } = await api.start(project.id, kind);
      location.hash = `#/projects/${project.id}/jobs/${newJob}`;
    } catch (err) {
      fill(pageAlert, err.message);
      pageAlert.hidden = false;
      pageAlert.focus();
      primary.disabled = false;
      preview.disabled = false;
    }
  }

  async function cancel() {
    if (!state.job) return;
    try {
      await api.cancelJob(state.job.id);
    } catch (err) {
      fill(pageAlert, err.message);
      pageAlert.hidden = false;
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
  }

  // Media links are asked for when the job references media it had not before.
  let mediaSeen = '';
  let mediaBusy = false;
  async function refreshMedia(job) {
    const keys = [job.outputs.video, ...Object.values(job.scenes).flatMap((s) => [s.keyframe_key, s.clip_key])].filter(Boolean).join('|');
    if (keys === mediaSeen || mediaBusy) return;
    mediaBusy = true;
    try {
      const media = await api.jobMedia(job.id);
      mediaSeen = keys;
      if (!stopped) {
        state.media = media;
        showJob();
      }
    } catch {
      // the next change asks again
    } finally {
      mediaBusy = false;
      if (!stopped && state.job && state.job.updated_at !== job.updated_at) refreshMedia(state.job);
    }
  }

  function latestKeyframe() {
    const job = state.job;
    if (!job || !state.media) return null;
    const ids = [...job.scene_ids].reverse();
    const id = ids.find((sid) => state.media.keyframes[sid]);
    return id ? state.media.keyframes[id] : null;
  }

  function showJob() {
    const job = state.job;
    panel.update(job);
    screen.update(job, state.media, { title: title.textContent, latestKeyframe: latestKeyframe() });
    board.update({ job, media: state.media, project: state.project });
    renderHeader();
  }

  let stopped = false;
  let stopWatch = () => {};
  if (selected) {
    state.job = selected;
    const known = jobs.findIndex((j) => j.id === selected.id);
    stopWatch = watchJob(selected.id, {
      onJob: async (job) => {
        if (stopped) return;
        state.job = job;
        jobs[known] = job;
        if (TERMINAL.includes(job.status)) {
          renderHistory();
          // The pipeline wrote the story (and its revision): edits start from it.
          api.getProject(project.id).then((p) => { if (!stopped) { state.project = p; board.update({ project: p }); renderHeader(); } }).catch(() => {});
        } else if (job.story && !state.project.story) {
          api.getProject(project.id).then((p) => { if (!stopped) { state.project = p; board.update({ project: p }); } }).catch(() => {});
        }
        showJob();
        refreshMedia(job);
      },
      onError: (err) => {
        fill(pageAlert, err.message);
        pageAlert.hidden = false;
      },
    });
  }

  const body = state.job
    ? h('div', { class: 'studio-grid' }, screen.el, panel.el)
    : h('div', { class: 'card empty' }, h('p', { class: 'empty-title' }, 'Not rendered yet.'), h('p', {}, 'Generate the video to write the story, paint the scenes and voice them.'));

  fill(
    main,
    h('div', { class: 'page-head' }, h('div', {}, title, prompt, chips), h('div', { class: 'actions' }, primary, preview, schedule)),
    pageAlert,
    editedBanner,
    body,
    board.el,
    history,
  );
  renderHeader();
  renderHistory();
  if (state.job) showJob();
  else board.update({ project: state.project });

  return () => {
    stopped = true;
    stopWatch();
    panel.stop();
  };
}
