// A job as it runs: status, stage, progress, fallbacks, error, cost; and the finished video.

import { h, fill, formatSeconds, formatUsd, formatWhen } from '../dom.js';
import { resolveLink } from '../api.js';
import { slug } from '../checks.js';
import { etaTracker, formatLeft } from '../eta.js';
import { timeline } from './waterfall.js';

const STAGES = [
  ['script', 'Script'],
  ['references', 'References'],
  ['scenes', 'Scenes'],
  ['assembly', 'Assembly'],
  ['done', 'Done'],
];
const STATUS_TEXT = {
  queued: 'Queued',
  running: 'Rendering',
  done: 'Ready',
  failed: 'Failed',
  cancelled: 'Cancelled',
};
const KIND_TEXT = { generate: 'Render', preview: 'Quick preview (360p)', export: 'Export', storyboard: 'Storyboard', script: 'Script' };
export const TERMINAL = ['done', 'failed', 'cancelled'];

export function announce(text) {
  const box = document.getElementById('announcer');
  if (box) box.textContent = text;
}

/** A language's name in English ("Spanish"), or its code where the browser has none. */
function languageName(code) {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) || code;
  } catch {
    return code;
  }
}

/**
 * The status panel of one job; `update(job)` on every change. `onChangeLanguage`, when given,
 * is offered next to a language detected from the prompt (it opens the project's settings).
 */
export function jobPanel({ onCancel, onChangeLanguage = null }) {
  const status = h('span', { class: 'pill' });
  const title = h('h2', { id: 'job-heading' }, 'Render');
  const meta = h('p', { class: 'muted small' });
  const progress = h('progress', { max: 100, value: 0, id: 'job-progress', 'aria-labelledby': 'job-progress-label' });
  const percent = h('span', { class: 'percent', id: 'job-percent' }, '0%');
  const stageText = h('span', { id: 'job-progress-label' }, 'Progress');
  const left = h('p', { class: 'eta muted small', id: 'job-eta', 'aria-live': 'off' });
  const told = h('span');
  const change = h('button', { type: 'button', class: 'btn btn-link small', hidden: true, onclick: () => onChangeLanguage?.() }, 'Tell it in another language');
  const language = h('p', { class: 'job-language muted small', hidden: true }, told, ' ', change);
  const steps = h(
    'ol',
    { class: 'stages', 'aria-label': 'Stages' },
    STAGES.map(([id, label]) => h('li', { dataset: { stage: id } }, h('span', { class: 'dot', 'aria-hidden': 'true' }), label)),
  );
  const fallbacks = h('div', { class: 'fallbacks', hidden: true });
  const error = h('div', { class: 'alert', role: 'alert', hidden: true });
  const cost = h('details', { class: 'cost' });
  const cancel = h('button', { type: 'button', class: 'btn btn-small', hidden: true, onclick: () => onCancel() }, 'Cancel render');
  const times = timeline();
  const el = h(
    'section',
    { class: 'card job-panel', 'aria-labelledby': 'job-heading' },
    h('div', { class: 'job-head' }, title, status),
    meta,
    language,
    steps,
    h('div', { class: 'progress-row' }, stageText, progress, percent),
    left,
    fallbacks,
    error,
    cost,
    times.el,
    cancel,
  );
  let spoken = '';
  let timer = null;
  const eta = etaTracker();

  function elapsed(job) {
    if (!job.started_at) return '';
    const end = job.finished_at ? new Date(job.finished_at) : new Date();
    return formatSeconds((end - new Date(job.started_at)) / 1000);
  }

  function update(job) {
    title.textContent = KIND_TEXT[job.kind] || 'Render';
    status.textContent = STATUS_TEXT[job.status] || job.status;
    status.className = `pill pill-${job.status}`;
    const running = !TERMINAL.includes(job.status);
    const size = job.render && !['script', 'storyboard'].includes(job.kind) ? `${job.render.width}×${job.render.height} · ` : '';
    const renderLine = `${size}started ${formatWhen(job.created_at)}`;
    meta.textContent = running ? renderLine : `${renderLine} · took ${elapsed(job)}`;
    eta.observe(job);
    const tick = () => {
      left.textContent = running ? formatLeft(eta.secondsLeft(job)) : '';
      left.hidden = !left.textContent;
    };
    tick();
    clearInterval(timer);
    if (running && job.started_at) {
      timer = setInterval(() => {
        if (!el.isConnected) return clearInterval(timer);
        meta.textContent = `${renderLine} · ${elapsed(job)} so far`;
        tick();
        return undefined;
      }, 1000);
    }

    // The language the story is told in, once written; one detected from the prompt can be
    // overridden in the settings (settings.language).
    language.hidden = !job.language;
    if (job.language) {
      const name = languageName(job.language);
      told.textContent = job.language_detected ? `Told in ${name}, detected from the prompt.` : `Told in ${name}.`;
      change.hidden = !(job.language_detected && onChangeLanguage);
    }

    progress.value = job.progress;
    percent.textContent = `${job.progress}%`;
    const stageLabel = (STAGES.find(([id]) => id === job.stage) || [, 'Queued'])[1];
    stageText.textContent = running ? `${stageLabel}…` : STATUS_TEXT[job.status];
    const at = STAGES.findIndex(([id]) => id === job.stage);
    // A script job stops at the script, a storyboard at the pictures (no assembly).
    for (const li of steps.children) {
      const stage = li.dataset.stage;
      li.hidden = (job.kind === 'script' && !['script', 'done'].includes(stage)) || (job.kind === 'storyboard' && stage === 'assembly');
    }
    for (const [i, li] of [...steps.children].entries()) {
      li.className = i < at || job.stage === 'done' ? 'done' : i === at ? (job.status === 'failed' ? 'failed' : 'current') : '';
      if (i === at && running) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    // Spoken at each stage and every 10 %: often enough to follow, not a running commentary.
    const say = running ? `${stageLabel}, ${Math.floor(job.progress / 10) * 10} percent` : `${STATUS_TEXT[job.status]}, ${job.progress} percent`;
    if (say !== spoken) {
      spoken = say;
      announce(say);
    }

    const fell = job.scene_ids
      .map((sid, i) => [sid, i, job.scenes[sid]])
      .filter(([, , s]) => s && s.clip === 'fallback');
    fallbacks.hidden = !fell.length;
    fill(
      fallbacks,
      fell.length
        ? [
            h('p', {}, h('strong', {}, `${fell.length} scene${fell.length > 1 ? 's' : ''} fell back to Ken Burns motion`), ' (the AI clip was not usable):'),
            h('ul', {}, fell.map(([, i, s]) => h('li', {}, `Scene ${i + 1}: ${s.fallback_reason || 'no reason recorded'}`))),
          ]
        : [],
    );

    error.hidden = !job.error;
    if (job.error) {
      const e = job.error;
      const where = [`stage ${e.stage}`, e.scene ? `scene ${e.scene}` : null].filter(Boolean).join(', ');
      fill(error, h('strong', {}, e.message), h('p', { class: 'small' }, `${where} · ${e.code}${e.retryable ? ' · may pass on retry' : ''}`));
    }

    const lines = Object.entries(job.cost || {});
    const total = lines.reduce((sum, [, c]) => sum + (c.actual_usd || c.estimated_usd || 0), 0);
    fill(
      cost,
      h('summary', {}, `${running ? 'Cost so far' : 'Cost'}: ${formatUsd(total)}`),
      lines.length
        ? h(
            'table',
            {},
            h('caption', { class: 'visually-hidden' }, 'Cost by provider'),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Provider'), h('th', { scope: 'col' }, 'Used'), h('th', { scope: 'col' }, 'Estimated'))),
            h('tbody', {}, lines.map(([name, c]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, `${+c.units.toFixed(2)} ${c.unit}${c.units === 1 ? '' : 's'}`), h('td', {}, formatUsd(c.actual_usd || c.estimated_usd))))),
          )
        : h('p', { class: 'muted small' }, 'Nothing spent yet.'),
    );
    cancel.hidden = !running;
    times.update(job);
  }

  return { el, update, stop: () => clearInterval(timer) };
}

/**
 * The video with its captions track, and download links named after the title.
 * `update(job, media, {title, latestKeyframe, previous})`: `previous` ({job, media}) is an
 * earlier render shown, playable, while `job` makes the next one.
 */
export function player() {
  const stage = h('div', { class: 'screen' }, h('p', { class: 'screen-empty' }, 'No video yet.'));
  const note = h('p', { class: 'screen-note', role: 'status', hidden: true });
  const downloads = h('ul', { class: 'downloads', 'aria-label': 'Downloads', hidden: true });
  const el = h('section', { class: 'player', 'aria-label': 'Video' }, note, stage, downloads);
  let shown = null; // "job id|title" of the video on show

  function setFrame(render) {
    if (!render) return;
    const { width, height } = render;
    stage.style.aspectRatio = `${width} / ${height}`;
    stage.dataset.shape = width > height ? 'wide' : width < height ? 'tall' : 'square';
  }

  function showVideo(job, media, title) {
    setFrame(job.render);
    const memo = `${job.id}|${title}`;
    if (shown === memo) return;
    const sameVideo = shown && shown.split('|')[0] === job.id;
    shown = memo;
    if (!sameVideo) {
      const lang = job.story?.language || 'en';
      // Captions burned into the picture already show; the track is there to switch on (and
      // for players and search that read text), shown at once only when none are burned in.
      const burned = job.settings.caption_style !== 'none';
      const video = h(
        'video',
        {
          controls: true,
          preload: 'metadata',
          playsinline: true,
          poster: media.thumbnail ? resolveLink(media.thumbnail) : null,
          src: resolveLink(media.video),
          dataset: { job: job.id },
          'aria-label': `${title}: the video`,
        },
        media.captions_vtt
          ? h('track', { kind: 'captions', src: resolveLink(media.captions_vtt), srclang: lang, label: `Captions (${lang})`, default: !burned })
          : null,
      );
      stage.dataset.memo = '';
      fill(stage, video);
    }
    const name = slug(title);
    const links = [
      ['video', 'Video', 'MP4', `${name}.mp4`],
      ['thumbnail', 'Thumbnail', 'JPG', `${name}.jpg`],
      ['captions_srt', 'Captions', 'SRT', `${name}.srt`],
      ['captions_vtt', 'Captions', 'VTT', `${name}.vtt`],
    ].filter(([key]) => media[key]);
    fill(
      downloads,
      // The API's download links answer with the name (Content-Disposition), which a bucket's
      // URL needs: a page's `download` attribute only names files of its own origin.
      links.map(([key, label, type, file]) =>
        h('li', {}, h('a', { class: 'btn btn-small', href: resolveLink(media.downloads?.[key] || media[key]), download: file, dataset: { download: key } }, `${label} `, h('span', { class: 'type' }, type))),
      ),
      job.outputs.duration_s ? h('li', { class: 'muted small' }, `${formatSeconds(job.outputs.duration_s)} · ${job.outputs.width}×${job.outputs.height}`) : null,
    );
    downloads.hidden = false;
  }

  function update(job, media, { title = '', latestKeyframe = null, previous = null } = {}) {
    const running = !TERMINAL.includes(job.status);
    if (media && media.video) {
      note.hidden = true;
      showVideo(job, media, title);
      return;
    }
    if (running && previous?.media?.video) {
      // The last render stays playable while this one is made.
      note.hidden = false;
      note.textContent = 'Playing the previous render: the new one replaces it when it is ready.';
      showVideo(previous.job, previous.media, title);
      return;
    }
    note.hidden = true;
    setFrame(job.render);
    shown = null;
    downloads.hidden = true;
    const memo = `${job.id}|${job.status}|${latestKeyframe || ''}`;
    if (stage.dataset.memo === memo) return;
    stage.dataset.memo = memo;
    const WAITING = { script: 'Writing the script: its scenes appear below.', storyboard: 'The storyboard’s pictures appear below as they are painted.' };
    const READY = { script: 'The script is ready below: read it, edit it.', storyboard: 'The storyboard is ready below.' };
    const text = running
      ? WAITING[job.kind] || 'Your video appears here when it is ready.'
      : job.status === 'done' ? READY[job.kind] || 'Loading the video…' : 'This job made no video.';
    fill(
      stage,
      latestKeyframe ? h('img', { class: 'screen-still', src: resolveLink(latestKeyframe), alt: '' }) : null,
      h('p', { class: 'screen-empty' }, running ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, text),
    );
  }

  return { el, update };
}
