// Series: a theme that makes and publishes a new video on a cadence. #/series lists them (pause,
// resume, delete) with a form to start one (from a template, with topics); #/series/{id} shows
// one: its planned runs, and its past runs with a link to each run's video.

import { api } from '../api.js';
import { h, fill, formatWhen } from '../dom.js';
import { PLATFORM_NAMES } from './destinations.js';
import { DAYS, seriesForm } from './series-form.js';
import { settingsSummary } from './settings.js';
const RUN_TEXT = { claimed: 'Starting', generating: 'Being made', published: 'Published', failed: 'Failed', skipped: 'Skipped', cancelled: 'Cancelled' };

/** "Every day at 09:00", "Mon, Thu at 18:30", or the RRULE. */
export function cadenceText(c) {
  if (c.kind === 'daily') return `Every day at ${c.time}`;
  if (c.kind === 'weekly') return `${c.days.map((d) => DAYS.find(([v]) => v === d)?.[1] || d).join(', ')} at ${c.time}`;
  return c.rrule;
}

/** "2031-05-14T09:30:00+02:00" (a local text the API sends) as "14 May 2031, 09:30". */
function localWhen(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text || '');
  if (!m) return text || '';
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
}

export async function renderSeries(main, { params: [seriesId], query, signal }) {
  if (seriesId) return renderOne(main, seriesId, signal);
  fill(main, h('h1', {}, 'Series'), h('p', { class: 'loading' }, 'Loading series…'));
  let list;
  try {
    ({ series: list } = await api.listSeries());
  } catch (err) {
    if (signal.aborted) return undefined;
    fill(main, h('h1', {}, 'Series'), h('div', { class: 'alert', role: 'alert' }, err.noRoute ? 'Series aren’t available on this server.' : err.message));
    return undefined;
  }
  if (signal.aborted) return undefined;
  const notice = h('div', { class: 'alert', role: 'alert', hidden: true });
  const grid = h('ul', { class: 'series-grid', 'aria-label': 'Your series' });
  const show = () => fill(grid, list.length ? list.map((s) => seriesCard(s, { onChange })) : h('li', { class: 'muted' }, 'No series yet: start one with the form.'));
  async function onChange(series, action) {
    try {
      if (action === 'delete') {
        if (!window.confirm(`Delete the series “${series.theme}”? Runs not started yet are cancelled.`)) return;
        await api.deleteSeries(series.id);
        list = list.filter((s) => s.id !== series.id);
      } else {
        const updated = await api.updateSeries(series.id, { status: action === 'pause' ? 'paused' : 'active' });
        list = list.map((s) => (s.id === series.id ? updated : s));
      }
      show();
    } catch (err) {
      fill(notice, err.message);
      notice.hidden = false;
    }
  }
  show();
  const form = await seriesForm({ template: query.get('template'), onSaved: (s) => { location.hash = `#/series/${s.id}`; } });
  if (signal.aborted) return undefined;
  fill(
    main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Series'), h('p', { class: 'lede' }, 'A new video on a theme at every date of a cadence, each made ahead and published on time.'))),
    notice,
    h('div', { class: 'series-layout' }, h('section', { 'aria-label': 'Your series' }, grid), form),
  );
  return undefined;
}

function seriesCard(s, { onChange }) {
  const paused = s.status === 'paused';
  return h(
    'li',
    { class: 'card series-card', dataset: { series: s.id } },
    h('div', { class: 'template-head' }, h('h2', {}, h('a', { href: `#/series/${s.id}` }, s.theme)), h('span', { class: `pill ${paused ? 'pill-cancelled' : 'pill-done'}` }, paused ? 'Paused' : 'Active')),
    h('p', { class: 'muted small' }, `${cadenceText(s.cadence)} · ${s.timezone}`),
    h('p', { class: 'small' }, paused ? 'Paused: no runs are made.' : s.next_run_at_local ? `Next: ${localWhen(s.next_run_at_local)}` : 'No more runs: the cadence has ended.'),
    h('p', { class: 'muted small' }, `${s.run_count} run${s.run_count === 1 ? '' : 's'} so far${s.failures ? ` · ${s.failures} failed` : ''}`),
    h('div', { class: 'actions' },
      h('a', { class: 'btn btn-small', href: `#/series/${s.id}` }, 'Open'),
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => onChange(s, paused ? 'resume' : 'pause') }, paused ? 'Resume' : 'Pause'),
      h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => onChange(s, 'delete') }, 'Delete')),
  );
}

async function renderOne(main, seriesId, signal) {
  fill(main, h('h1', {}, 'Series'), h('p', { class: 'loading' }, 'Loading…'));
  let series;
  try {
    series = await api.getSeries(seriesId);
  } catch (err) {
    if (signal.aborted) return undefined;
    fill(main, h('h1', {}, 'Series'), h('div', { class: 'alert', role: 'alert' }, err.message), h('p', {}, h('a', { href: '#/series' }, 'All series')));
    return undefined;
  }
  if (signal.aborted) return undefined;
  const notice = h('div', { class: 'alert', role: 'alert', hidden: true });
  const body = h('div', {});
  const edit = h('details', { class: 'series-edit-box' }, h('summary', { class: 'btn' }, 'Change the series'));
  async function showEdit() {
    const form = await seriesForm({ series, onSaved: (changed) => { series = changed; show(); showEdit(); } });
    edit.replaceChildren(edit.firstChild, form);
  }
  function show() {
    const s = series;
    const paused = s.status === 'paused';
    const runs = [...s.runs].sort((a, b) => b.index - a.index);
    fill(
      body,
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', {}, s.theme), h('p', { class: 'lede' }, `${cadenceText(s.cadence)} · ${s.timezone} · `, h('span', { class: `pill ${paused ? 'pill-cancelled' : 'pill-done'}` }, paused ? 'Paused' : 'Active')),
          h('p', { class: 'chips' }, settingsSummary(s.settings).map((c) => h('span', { class: 'chip' }, c)))),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => toggle(paused ? 'active' : 'paused') }, paused ? 'Resume' : 'Pause'),
          h('a', { class: 'btn', href: '#/calendar' }, 'Calendar'))),
      notice,
      h('div', { class: 'series-layout' },
        h('section', { class: 'card', 'aria-labelledby': 'planned-heading' }, h('h2', { id: 'planned-heading' }, 'Planned runs'),
          s.upcoming.length
            ? h('ol', { class: 'run-list planned' }, s.upcoming.map((t) => h('li', {}, h('time', {}, localWhen(t)))))
            : h('p', { class: 'muted' }, paused ? 'Paused: resume to plan runs again.' : 'No more runs planned.'),
          s.topics.length ? h('p', { class: 'small muted' }, `Topics: ${s.topics.join(' · ')}`) : null,
          s.destinations?.length ? h('p', { class: 'small' }, `Each run posts to ${s.destinations.map((d) => `${PLATFORM_NAMES[d.platform]} (${d.privacy})`).join(', ')}.`) : null),
        h('section', { class: 'card', 'aria-labelledby': 'past-heading' }, h('h2', { id: 'past-heading' }, 'Past runs'),
          runs.length ? h('ol', { class: 'run-list' }, runs.map((r) => runItem(r, s.timezone))) : h('p', { class: 'muted' }, 'No run yet.'))),
      edit,
    );
  }
  async function toggle(status) {
    try {
      series = await api.updateSeries(series.id, { status });
      show();
    } catch (err) {
      fill(notice, err.message);
      notice.hidden = false;
    }
  }
  show();
  await showEdit();
  if (signal.aborted) return undefined;
  fill(main, body);
  return undefined;
}

function runItem(r, timeZone) {
  const name = r.title || r.topic || `Run ${r.index + 1}`;
  const href = r.project_id ? `#/projects/${r.project_id}${r.job_id ? `/jobs/${r.job_id}` : ''}` : null;
  return h('li', { class: `run run-${r.status}`, dataset: { run: r.index } },
    h('span', { class: 'run-when' }, formatWhen(r.occurrence, timeZone)),
    href ? h('a', { href }, name) : h('span', {}, name),
    h('span', { class: 'agenda-status' }, RUN_TEXT[r.status] || r.status),
    r.public_url ? h('a', { href: r.public_url, target: '_blank', rel: 'noopener' }, 'Published video') : null,
    r.error ? h('p', { class: 'small field-error' }, r.error.message || r.error.code) : null);
}
