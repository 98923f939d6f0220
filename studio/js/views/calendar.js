// Calendar: when each project is published. A month grid of schedules and series runs
// (GET /v1/schedules) with, below it, the month's list (readable and clickable on a phone,
// where a day's cell is too narrow for a title), and a form to schedule a project
// (POST /v1/schedules {project_id, publish_at, timezone}). On a server without the scheduling
// routes, it says so instead.

import { api } from '../api.js';
import { h, fill, formatWhen } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';
import { PLATFORM_NAMES, destinationsPicker } from './destinations.js';
import { scheduleDetails } from './schedule-details.js';
import { browserZone, inZone, messageInZone, wallToInstant, zoneSelect } from '../zones.js';

const STATUS_TEXT = {
  scheduled: 'Scheduled',
  generating: 'Generating',
  published: 'Published',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
  planned: 'Planned by a series',
};

const pad = (n) => String(n).padStart(2, '0');
const isoDate = (y, m, d) => `${y}-${pad(m + 1)}-${pad(d)}`;

/** Today's date in `timeZone` as [year, monthIndex, day]. */
function today(timeZone) {
  const [y, m, d] = dayIn(new Date().toISOString(), timeZone).split('-').map(Number);
  return [y, m - 1, d];
}

function dayIn(iso, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** What an event is called and where it leads: a schedule opens its details (which lead to
its project or series), a series' planned run its series. */
function describe(s, names) {
  const series = s.theme ? `Series: ${s.theme}` : 'Series run';
  const name = (s.project_id && names.get(s.project_id)) || s.title || s.topic || (s.series_id ? series : 'Project');
  const month = (s.local_date || s.publish_at || '').slice(0, 7);
  const href = s.id
    ? `#/calendar?month=${month}&schedule=${s.id}`
    : s.series_id ? `#/series/${s.series_id}` : null;
  return { name, href };
}

export async function renderCalendar(main, { query, signal }) {
  const timeZone = browserZone();
  const [ty, tm, td] = today(timeZone);
  // `?month=2031-05` opens that month (a link to a schedule's month); else this one.
  const asked = /^(\d{4})-(\d{2})$/.exec(query.get('month') || '');
  let year = asked ? Number(asked[1]) : ty;
  let month = asked && asked[2] >= '01' && asked[2] <= '12' ? Number(asked[2]) - 1 : tm;
  let projects = [];
  const grid = h('div', { class: 'calendar-grid' });
  const agenda = h('section', { class: 'agenda', 'aria-labelledby': 'agenda-title' });
  const monthTitle = h('h2', { id: 'month-title', 'aria-live': 'polite' });
  const notice = h('div', { class: 'alert', role: 'alert', hidden: true });
  const unavailableNote = h('div', { class: 'notice', role: 'status', hidden: true });
  const formBox = h('div', {});
  const detailsBox = h('div', { class: 'details-box' });
  const nav = h(
    'div',
    { class: 'month-nav' },
    h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Previous month', onclick: () => move(-1) }, '←'),
    monthTitle,
    h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Next month', onclick: () => move(1) }, '→'),
    h('button', { type: 'button', class: 'btn btn-small', onclick: () => { year = ty; month = tm; load(); } }, 'Today'),
  );

  fill(
    main,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Publishing calendar'), h('p', { class: 'lede' }, `Times shown in ${timeZone}.`))),
    notice,
    unavailableNote,
    h('div', { class: 'calendar-layout' }, h('div', { class: 'calendar-main' }, h('section', { class: 'card', 'aria-labelledby': 'month-title' }, nav, grid), agenda), h('div', { class: 'calendar-side' }, detailsBox, formBox)),
  );

  function move(step) {
    month += step;
    if (month < 0) { month = 11; year -= 1; }
    if (month > 11) { month = 0; year += 1; }
    load();
  }

  function unavailable() {
    fill(unavailableNote, h('strong', {}, 'Scheduling isn’t available on this server.'), ' It does not serve the /v1/schedules routes; videos can still be made and downloaded.');
    unavailableNote.hidden = false;
    fill(formBox);
    fill(agenda);
    fill(grid, monthGrid(year, month, new Map(), [ty, tm, td]));
  }

  async function load() {
    const label = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' }).format(new Date(year, month, 1));
    monthTitle.textContent = label;
    // Dates count whole days in `timezone`: the first to the last day of the month.
    const from = isoDate(year, month, 1);
    const last = isoDate(year, month, new Date(year, month + 1, 0).getDate());
    let schedules;
    try {
      const answer = await api.listSchedules(from, last, timeZone);
      schedules = Array.isArray(answer) ? answer : answer.schedules || [];
      // A series' planned runs, not scheduled yet: shown apart from the schedules.
      for (const run of answer.planned || []) schedules.push({ ...run, status: 'planned' });
    } catch (err) {
      if (signal.aborted) return;
      if (err.noRoute) return unavailable();
      fill(notice, err.message);
      notice.hidden = false;
      schedules = [];
    }
    if (signal.aborted) return;
    schedules.sort((a, b) => new Date(a.publish_at) - new Date(b.publish_at));
    const byDay = new Map();
    for (const s of schedules) {
      const day = s.local_date || dayIn(s.publish_at, timeZone);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(s);
    }
    const names = new Map(projects.map((p) => [p.id, p.title || p.story?.title || p.prompt]));
    fill(grid, monthGrid(year, month, byDay, [ty, tm, td], { names, onCancel }));
    fill(agenda, h('h2', { id: 'agenda-title' }, `In ${label}`), schedules.length
      ? h('ul', { class: 'agenda-list' }, schedules.map((s) => agendaItem(s, names, timeZone, onCancel)))
      : h('p', { class: 'muted' }, 'Nothing is scheduled this month.'));
    return undefined;
  }

  async function onCancel(schedule) {
    try {
      await api.deleteSchedule(schedule.id);
      load();
    } catch (err) {
      fill(notice, err.message);
      notice.hidden = false;
    }
  }

  try {
    ({ projects } = await api.listProjects());
  } catch (err) {
    fill(notice, err.message);
    notice.hidden = false;
  }
  if (signal.aborted) return undefined;
  fill(formBox, await scheduleForm({ projects, timeZone, preselect: query.get('project'), onCreated: (s) => {
    const day = s.local_date || dayIn(s.publish_at, timeZone);
    [year, month] = day.split('-').map(Number);
    month -= 1;
    load();
  } }));
  await load();
  if (query.get('schedule')) await openDetails(query.get('schedule'));
  return undefined;

  async function openDetails(id) {
    const names = new Map(projects.map((p) => [p.id, p.title || p.story?.title || p.prompt]));
    const here = () => `#/calendar?month=${year}-${pad(month + 1)}`;
    fill(detailsBox, await scheduleDetails(id, {
      names,
      onChanged: async (changed) => {
        const day = changed.local_date || dayIn(changed.publish_at, timeZone);
        [year, month] = day.split('-').map(Number);
        month -= 1;
        await load();
        await openDetails(changed.id);
      },
      onClose: () => { location.hash = here(); },
    }));
    if (!signal.aborted) detailsBox.scrollIntoView({ block: 'nearest' });
  }
}

function cancelButton(s, onCancel) {
  return onCancel && (s.status || 'scheduled') === 'scheduled'
    ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': `Cancel the ${formatWhen(s.publish_at, s.timezone)} publish`, onclick: () => onCancel(s) }, '×')
    : null;
}

function agendaItem(s, names, timeZone, onCancel) {
  const { name, href } = describe(s, names);
  const status = s.status || 'scheduled';
  const posts = (s.posts || []).map((p) => `${PLATFORM_NAMES[p.platform] || p.platform}: ${p.status}`);
  return h(
    'li',
    { class: `agenda-item event-${status}` },
    h('time', { datetime: s.publish_at }, formatWhen(s.publish_at, timeZone)),
    href ? h('a', { href }, name) : h('span', {}, name),
    h('span', { class: 'agenda-status' }, STATUS_TEXT[status] || status),
    posts.length ? h('span', { class: 'agenda-posts small muted' }, posts.join(' · ')) : null,
    cancelButton(s, onCancel),
  );
}

function monthGrid(year, month, byDay, [ty, tm, td], { names = new Map(), onCancel } = {}) {
  const first = new Date(year, month, 1);
  const startDay = (first.getDay() + 6) % 7; // weeks start on Monday
  const days = new Date(year, month + 1, 0).getDate();
  const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
  const heads = [...Array(7)].map((_, i) => weekday.format(new Date(2024, 0, 1 + i))); // 2024-01-01 was a Monday
  const rows = [];
  let cells = [];
  for (let i = 0; i < startDay; i += 1) cells.push(h('td', { class: 'outside' }));
  for (let d = 1; d <= days; d += 1) {
    const key = isoDate(year, month, d);
    const items = byDay.get(key) || [];
    const isToday = year === ty && month === tm && d === td;
    cells.push(
      h(
        'td',
        { class: isToday ? 'today' : null, 'aria-current': isToday ? 'date' : null },
        h('span', { class: 'day' }, d),
        items.length
          ? h('ul', { class: 'events' }, items.map((s) => {
              const { name, href } = describe(s, names);
              const posts = (s.posts || []).map((p) => `${PLATFORM_NAMES[p.platform] || p.platform}: ${p.status}`);
              return h('li', { class: `event event-${s.status || 'scheduled'}`, title: [name, ...posts].join('\n') },
                h('time', { datetime: s.publish_at }, (s.publish_at_local || '').slice(11, 16) || new Date(s.publish_at).toTimeString().slice(0, 5)),
                ' ',
                href ? h('a', { href }, name) : h('span', { class: 'event-title' }, name),
                h('span', { class: 'visually-hidden' }, `, ${STATUS_TEXT[s.status] || s.status || ''}`),
                cancelButton(s, onCancel));
            }))
          : null,
      ),
    );
    if (cells.length === 7) {
      rows.push(h('tr', {}, cells));
      cells = [];
    }
  }
  if (cells.length) {
    while (cells.length < 7) cells.push(h('td', { class: 'outside' }));
    rows.push(h('tr', {}, cells));
  }
  return h('table', { class: 'month' }, h('thead', {}, h('tr', {}, heads.map((d) => h('th', { scope: 'col' }, d)))), h('tbody', {}, rows));
}

async function scheduleForm({ projects, timeZone, preselect, onCreated }) {
  const destinations = await destinationsPicker();
  const project = h('select', {}, projects.length
    ? projects.map((p) => h('option', { value: p.id, selected: p.id === preselect }, p.title || p.story?.title || p.prompt))
    : h('option', { value: '' }, 'No projects yet'));
  const tomorrow = new Date(Date.now() + 86400000);
  const when = h('input', { type: 'datetime-local', value: `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T09:00` });
  const zone = zoneSelect(timeZone);
  const done = h('p', { class: 'success', role: 'status' });
  const form = h(
    'form',
    { class: 'card schedule-form', novalidate: true, 'aria-labelledby': 'schedule-heading' },
    h('h2', { id: 'schedule-heading' }, 'Schedule a publish'),
    alertBox(),
    field({ label: 'Project', field: 'project_id', control: project }),
    field({ label: 'Publish at', field: 'publish_at', control: when, hint: 'In the time zone below. Generation starts early enough to be ready.' }),
    field({ label: 'Time zone', field: 'timezone', control: zone }),
    destinations.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Schedule')),
    done,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    done.textContent = '';
    if (!project.value) {
      showErrors(form, { message: 'Make a project first.', fields: { project_id: 'there is no project to publish yet' } });
      return;
    }
    if (!when.value) {
      showErrors(form, { message: 'Choose when to publish.', fields: { publish_at: 'choose a date and a time' } });
      return;
    }
    const at = wallToInstant(when.value, zone.value);
    if (at.getTime() <= Date.now()) {
      const why = `must be in the future: it is ${inZone(at, zone.value)}, now is ${inZone(new Date(), zone.value)}`;
      showErrors(form, { message: `Publish at ${why}.`, fields: { publish_at: why } });
      return;
    }
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      // A wall-clock time in the chosen zone (no offset): the API localises it.
      const value = when.value.length === 16 ? `${when.value}:00` : when.value;
      const body = { project_id: project.value, publish_at: value, timezone: zone.value };
      const posts = destinations.read();
      if (posts && posts.length) body.destinations = posts;
      const schedule = await api.createSchedule(body);
      done.textContent = `Scheduled for ${formatWhen(schedule.publish_at, schedule.timezone || zone.value)} (${schedule.timezone || zone.value}).`;
      onCreated(schedule);
    } catch (err) {
      if (err.noRoute) {
        showErrors(form, { message: 'Scheduling isn’t available on this server.', fields: {} });
      } else {
        // The API speaks UTC; the person chose a zone.
        const fields = Object.fromEntries(Object.entries(err.fields || {}).map(([k, v]) => [k, messageInZone(v, zone.value)]));
        showErrors(form, { message: messageInZone(err.message, zone.value), fields });
      }
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
