// Projects: the caller's projects, newest first.

import { api } from '../api.js';
import { h, fill, formatAgo } from '../dom.js';
import { settingsSummary } from './settings.js';

export async function renderProjects(main, { signal }) {
  fill(main, h('h1', {}, 'Your projects'), h('p', { class: 'loading' }, 'Loading projects…'));
  let projects;
  try {
    ({ projects } = await api.listProjects());
  } catch (err) {
    if (signal.aborted) return;
    fill(main, h('h1', {}, 'Your projects'), h('div', { class: 'alert', role: 'alert' }, err.message));
    return;
  }
  if (signal.aborted) return;
  const header = h(
    'div',
    { class: 'page-head' },
    h('h1', {}, 'Your projects'),
    h('a', { class: 'btn btn-primary', href: '#/new' }, 'New video'),
  );
  if (!projects.length) {
    fill(
      main,
      header,
      h(
        'div',
        { class: 'empty' },
        h('p', { class: 'empty-title' }, 'No projects yet.'),
        h('p', {}, 'Type a prompt, pick a length and a shape, and the Studio makes a narrated short.'),
        h('a', { class: 'btn btn-primary', href: '#/new' }, 'Start with a prompt'),
      ),
    );
    return;
  }
  fill(
    main,
    header,
    h('ul', { class: 'project-grid', 'aria-label': 'Projects' }, projects.map(projectCard)),
  );
}

function projectCard(project) {
  const story = project.story;
  const palette = story?.style?.palette || [];
  const swatch = palette.length
    ? `linear-gradient(120deg, ${palette.slice(0, 4).join(', ')})`
    : null;
  const title = project.title || story?.title || project.prompt;
  return h(
    'li',
    { class: 'project-card' },
    h('div', { class: 'swatch', style: swatch ? `background: ${swatch}` : null, 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'project-body' },
      h('h2', {}, h('a', { href: `#/projects/${project.id}`, class: 'stretched' }, title)),
      title !== project.prompt ? h('p', { class: 'muted clamp' }, project.prompt) : null,
      h('p', { class: 'chips' }, settingsSummary(project.settings).map((t) => h('span', { class: 'chip' }, t))),
      h(
        'p',
        { class: 'muted small' },
        story ? `${story.scenes.length} scenes · ` : 'Not written yet · ',
        h('time', { datetime: project.created_at }, formatAgo(project.created_at)),
      ),
    ),
  );
}
