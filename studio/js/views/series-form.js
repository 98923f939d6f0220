// The series form: a theme, topics, a cadence in a time zone and the videos' settings. It
// starts a series (from a template, when the server has them) or, given one, changes it
// (PATCH: only what changed is sent; a new cadence or zone plans the next run from now).

import { api, schemaHas } from '../api.js';
import { h } from '../dom.js';
import { alertBox, clearErrors, field, fieldset, showErrors } from '../forms.js';
import { textProblem } from '../checks.js';
import { browserZone, zoneSelect } from '../zones.js';
import { destinationsPicker } from './destinations.js';
import { settingsFields } from './settings-form.js';
import { DEFAULTS } from './settings.js';
import { templatePicker } from './templates.js';

export const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];

/** `series`: the one to change (none: a new one); `onSaved(series)` once the API has it. */
export async function seriesForm({ series = null, template = null, onSaved }) {
  const editing = Boolean(series);
  const [settings, picker, takesTemplate, destinations] = await Promise.all([
    settingsFields(series?.settings || {}),
    editing ? null : templatePicker({ selected: template }),
    schemaHas('CreateSeries', 'template_id'),
    destinationsPicker(series?.destinations || []),
  ]);
  const cadenceNow = series?.cadence || { kind: 'daily', time: '09:00', days: [] };
  const theme = h('textarea', { rows: 2, maxlength: 500, placeholder: 'Strange facts about the deep sea' }, series?.theme || '');
  const topics = h('textarea', { rows: 3, placeholder: 'One per line (optional): each run takes the next one' }, (series?.topics || []).join('\n'));
  const kind = h('select', {}, [['daily', 'Every day'], ['weekly', 'On some days of the week'], ['rrule', 'A custom rule (RRULE)']]
    .map(([v, l]) => h('option', { value: v, selected: v === cadenceNow.kind }, l)));
  const time = h('input', { type: 'time', value: cadenceNow.time });
  const days = h('div', { class: 'choices day-choices' }, DAYS.map(([v, l]) => h('label', { class: 'choice' },
    h('input', { type: 'checkbox', name: 'day', value: v, checked: (cadenceNow.days || []).includes(v) }), h('span', { class: 'choice-label' }, l))));
  const daysField = fieldset({ legend: 'Days', field: 'cadence.days', children: days });
  const rrule = h('input', { placeholder: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', maxlength: 500, value: cadenceNow.rrule || '' });
  const ruleField = field({ label: 'Rule', field: 'cadence.rrule', control: rrule });
  const zone = zoneSelect(series?.timezone || browserZone());
  const sync = () => { daysField.hidden = kind.value !== 'weekly'; ruleField.hidden = kind.value !== 'rrule'; };
  kind.addEventListener('change', sync);
  sync();
  if (picker) {
    // A template's settings over the defaults ("Blank": the defaults again).
    picker.onPick((t) => settings.apply({ ...DEFAULTS, ...(t ? t.settings : {}) }));
    if (picker.selected()) settings.apply(picker.selected().settings);
  }
  const label = editing ? 'Save changes' : 'Start the series';
  const form = h(
    'form',
    { class: `card series-form${editing ? ' series-edit' : ''}`, novalidate: true, 'aria-labelledby': editing ? 'series-edit-heading' : 'series-form-heading' },
    h('h2', { id: editing ? 'series-edit-heading' : 'series-form-heading' }, editing ? 'Change the series' : 'Start a series'),
    alertBox(),
    field({ label: 'Theme', field: 'theme', control: theme }),
    field({ label: 'Topics', field: 'topics', control: topics, hint: 'Runs never repeat an earlier run’s topic or title.' }),
    h('div', { class: 'form-grid' },
      field({ label: 'How often', field: 'cadence.kind', control: kind }),
      field({ label: 'At', field: 'cadence.time', control: time }),
      field({ label: 'Time zone', field: 'timezone', control: zone })),
    daysField,
    ruleField,
    destinations.el,
    h('details', { class: 'more' }, h('summary', {}, 'Video settings'), picker?.el, settings.el),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, label)),
  );

  function read() {
    const cadence = { kind: kind.value, time: time.value };
    if (kind.value === 'weekly') cadence.days = [...days.querySelectorAll('input:checked')].map((i) => i.value);
    if (kind.value === 'rrule') cadence.rrule = rrule.value;
    const body = {
      theme: theme.value,
      topics: topics.value.split('\n').map((t) => t.trim()).filter(Boolean),
      cadence,
      timezone: zone.value,
      settings: settings.read(),
    };
    const posts = destinations.read();
    if (posts !== undefined) body.destinations = posts;
    return body;
  }

  /** The fields of `body` that differ from the series (settings field by field). */
  function changes(body) {
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const out = {};
    for (const key of ['theme', 'topics', 'timezone']) if (!same(body[key], series[key])) out[key] = body[key];
    const chosenBefore = (series.destinations || []).map(({ platform, privacy, title }) => ({ platform, privacy, ...(title ? { title } : {}) }));
    if (body.destinations !== undefined && !same(body.destinations, chosenBefore)) out.destinations = body.destinations;
    const before = { kind: series.cadence.kind, time: series.cadence.time };
    if (series.cadence.kind === 'weekly') before.days = series.cadence.days;
    if (series.cadence.kind === 'rrule') before.rrule = series.cadence.rrule;
    if (!same(body.cadence, before)) out.cadence = body.cadence;
    const settingsChanged = Object.fromEntries(Object.entries(body.settings).filter(([k, v]) => !same(series.settings[k], v)));
    if (Object.keys(settingsChanged).length) out.settings = settingsChanged;
    return out;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problem = textProblem(theme.value, { what: 'theme', max: 500 });
    if (problem) {
      showErrors(form, { message: problem, fields: { theme: problem } });
      return;
    }
    const body = read();
    if (!editing && takesTemplate && picker.selected()) body.template_id = picker.selected().id;
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      onSaved(editing ? await api.updateSeries(series.id, changes(body)) : await api.createSeries(body));
    } catch (err) {
      form.querySelector('details.more').open ||= Object.keys(err.fields || {}).some((f) => f.startsWith('settings'));
      showErrors(form, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
