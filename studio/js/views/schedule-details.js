// One schedule, opened from the calendar (#/calendar?schedule=<id>): when it publishes (in its
// zone and the page's), its status and job, the public link once published, the webhook's
// delivery log, and, until it is published, moving it to another time or cancelling it.

import { api } from '../api.js';
import { h, formatWhen } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';
import { inZone, messageInZone, wallToInstant, zoneSelect } from '../zones.js';
import { PLATFORM_NAMES, postList } from './destinations.js';

const OPEN = ['scheduled', 'generating'];

/** `onChanged(schedule)` after a move or a cancel; `onClose()` to close the panel. */
export async function scheduleDetails(id, { names, onChanged, onClose }) {
  let s;
  try {
    s = await api.getSchedule(id);
  } catch (err) {
    return h('section', { class: 'card schedule-details' }, h('div', { class: 'alert', role: 'alert' }, err.message));
  }
  const name = (s.project_id && names.get(s.project_id)) || s.title || s.topic || 'Series run';
  const local = (s.publish_at_local || '').slice(0, 16);
  const when = h('input', { type: 'datetime-local', value: local });
  const zone = zoneSelect(s.timezone);
  const move = h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Move');
  const cancel = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Cancel this publish');
  const form = h('form', { class: 'move-form', novalidate: true, 'aria-label': 'Move this publish' },
    alertBox(),
    field({ label: 'New time', field: 'publish_at', control: when }),
    field({ label: 'Its time zone', field: 'timezone', control: zone }),
    h('div', { class: 'actions' }, move, cancel));
  const open = OPEN.includes(s.status);
  form.hidden = !open;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!when.value || wallToInstant(when.value, zone.value).getTime() <= Date.now()) {
      const why = `must be in the future: now is ${inZone(new Date(), zone.value)}`;
      showErrors(form, { message: `New time ${why}.`, fields: { publish_at: why } });
      return;
    }
    move.disabled = true;
    try {
      onChanged(await api.moveSchedule(s.id, { publish_at: `${when.value}:00`, timezone: zone.value }));
    } catch (err) {
      const fields = Object.fromEntries(Object.entries(err.fields || {}).map(([k, v]) => [k, messageInZone(v, zone.value)]));
      showErrors(form, { message: messageInZone(err.message, zone.value), fields });
      move.disabled = false;
    }
  });
  cancel.addEventListener('click', async () => {
    if (!window.confirm(`Cancel publishing “${name}”?${s.job_id ? ' Its video, being made, is stopped too.' : ''}`)) return;
    try {
      await api.deleteSchedule(s.id);
      onChanged({ ...s, status: 'cancelled' });
    } catch (err) {
      showErrors(form, err);
    }
  });

  const project = s.project_id ? `#/projects/${s.project_id}${s.job_id ? `/jobs/${s.job_id}` : ''}` : null;
  return h(
    'section',
    { class: 'card schedule-details', 'aria-labelledby': 'schedule-details-heading', dataset: { schedule: s.id } },
    h('div', { class: 'template-head' }, h('h2', { id: 'schedule-details-heading' }, name),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: onClose }, '×')),
    h('p', {}, h('span', { class: `pill pill-${s.status === 'published' ? 'done' : s.status === 'failed' ? 'failed' : s.status === 'cancelled' ? 'cancelled' : 'running'}` }, s.status),
      s.late ? h('span', { class: 'muted small' }, ' · started late') : null),
    h('p', {}, `Publishes ${formatWhen(s.publish_at, s.timezone)} (${s.timezone})`,
      h('br'), h('span', { class: 'muted small' }, `generation starts ${formatWhen(s.generate_at, s.timezone)}`)),
    s.error ? h('p', { class: 'field-error' }, `${s.error.stage}: ${s.error.message}`) : null,
    s.posts?.length
      ? postList(s.posts, s.timezone)
      : s.destinations?.length ? h('p', { class: 'muted small' }, `Posts to ${s.destinations.map((d) => `${PLATFORM_NAMES[d.platform]} (${d.privacy})`).join(', ')} when it publishes.`) : null,
    h('p', { class: 'actions' },
      project ? h('a', { class: 'btn btn-small', href: project }, s.job_id ? 'Open its video' : 'Open the project') : null,
      s.series_id ? h('a', { class: 'btn btn-small', href: `#/series/${s.series_id}` }, 'Open the series') : null,
      s.public_url ? h('a', { class: 'btn btn-small', href: s.public_url, target: '_blank', rel: 'noopener' }, 'Public link') : null),
    s.deliveries?.length
      ? h('details', { class: 'deliveries' }, h('summary', {}, `Webhook: ${s.webhook} (${s.deliveries.length} attempt${s.deliveries.length === 1 ? '' : 's'})`),
          h('ul', {}, s.deliveries.map((d) => h('li', { class: 'small' }, `#${d.attempt} ${formatWhen(d.at)} · ${d.ok ? 'delivered' : d.error || `HTTP ${d.status}`} · ${d.latency_ms} ms`))))
      : null,
    form,
  );
}
