// New video: a template (optional), a prompt and its settings. "Write the script" creates the
// project and writes its story to review before anything is paid for; "Render now" makes the
// whole video at once. On a server without the script route, "Generate video" and "Save
// without generating" are what there is.

import { api, hasRoute } from '../api.js';
import { h, fill } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';
import { textProblem } from '../checks.js';
import { settingsFields } from './settings-form.js';
import { DEFAULTS } from './settings.js';
import { templatePicker } from './templates.js';

const EXAMPLE = 'A lighthouse keeper befriends a lonely whale';
const MAX_PROMPT = 2000;

export async function renderCreate(main, { query, signal }) {
  const [scriptFirst, settings, picker] = await Promise.all([
    hasRoute('POST', '/projects/{project_id}/script'),
    settingsFields(),
    templatePicker({ selected: query.get('template') }),
  ]);
  if (signal.aborted) return;

  const prompt = h('textarea', { id: 'f-prompt', name: 'prompt', rows: 3, maxlength: MAX_PROMPT, placeholder: EXAMPLE, required: true });
  const count = h('span', { class: 'counter', 'aria-hidden': 'true' }, `0 / ${MAX_PROMPT}`);
  prompt.addEventListener('input', () => {
    count.textContent = `${prompt.value.length} / ${MAX_PROMPT}`;
  });
  const title = h('input', { maxlength: 200, placeholder: 'Made up from the story when left empty' });

  const buttons = scriptFirst
    ? [
        h('button', { type: 'submit', class: 'btn btn-primary btn-lg', value: 'script' }, 'Write the script'),
        h('button', { type: 'submit', class: 'btn', value: 'generate' }, 'Render now'),
      ]
    : [
        h('button', { type: 'submit', class: 'btn btn-primary btn-lg', value: 'generate' }, 'Generate video'),
        h('button', { type: 'submit', class: 'btn', value: 'draft' }, 'Save without generating'),
      ];
  const busy = h('p', { class: 'muted', role: 'status' });

  const form = h(
    'form',
    { class: 'create-form card', novalidate: true },
    alertBox(),
    h(
      'div',
      { class: 'field prompt-field', dataset: { field: 'prompt' } },
      h('label', { for: 'f-prompt', class: 'big-label' }, 'What is your video about?'),
      prompt,
      h('div', { class: 'prompt-foot' },
        h('button', {
          type: 'button',
          class: 'btn btn-link',
          onclick: () => {
            prompt.value = EXAMPLE;
            prompt.dispatchEvent(new Event('input'));
            prompt.focus();
          },
        }, 'Use the example'),
        count),
      h('p', { class: 'field-error', id: 'f-prompt-error', hidden: true }),
    ),
    field({ label: 'Title (optional)', field: 'title', control: title }),
    settings.el,
    h('div', { class: 'actions' }, buttons),
    busy,
  );
  prompt.setAttribute('aria-describedby', 'f-prompt-error');
  // A template's settings over the defaults ("Blank": the defaults again).
  picker.onPick((template) => settings.apply({ ...DEFAULTS, ...(template ? template.settings : {}) }));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problem = textProblem(prompt.value);
    if (problem) {
      showErrors(form, { message: problem, fields: { prompt: problem } });
      return;
    }
    const action = event.submitter?.value || buttons[0].value;
    const all = form.querySelectorAll('button[type=submit]');
    all.forEach((b) => { b.disabled = true; });
    const body = { prompt: prompt.value, settings: settings.read() };
    if (title.value.trim()) body.title = title.value.trim();
    if (picker.selected()) body.template_id = picker.selected().id;
    let project = null;
    try {
      busy.textContent = 'Saving the project…';
      project = await api.createProject(body);
      if (action === 'script') {
        busy.textContent = 'Writing the script…';
        const answer = await api.writeScript(project.id);
        location.hash = answer && answer.job_id ? `#/projects/${project.id}/jobs/${answer.job_id}` : `#/projects/${project.id}`;
      } else if (action === 'generate') {
        busy.textContent = 'Starting the render…';
        const { job_id: jobId } = await api.start(project.id);
        location.hash = `#/projects/${project.id}/jobs/${jobId}`;
      } else {
        location.hash = `#/projects/${project.id}`;
      }
    } catch (err) {
      busy.textContent = '';
      if (project) {
        // The project exists: show the failure there, where it can be tried again.
        location.hash = `#/projects/${project.id}?problem=${encodeURIComponent(err.message)}`;
        return;
      }
      showErrors(form, err);
      all.forEach((b) => { b.disabled = false; });
    }
  });

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'New video')),
    h('p', { class: 'lede' }, 'A prompt becomes a script you can edit, pictures you can approve, then a narrated video with captions.'),
    picker.el,
    form,
  );
  if (picker.selected()) settings.apply(picker.selected().settings);
}
