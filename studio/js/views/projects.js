// Projects: the caller's projects, newest first, as cards with the last video's thumbnail and
// the state of the last job; each can be opened, duplicated or deleted.

import { api, resolveLink } from '../api.js';
import { h, fill, formatAgo } from '../dom.js';
import { settingsSummary } from './settings.js';
import { duplicateProject } from './project-menu.js';

/** What a card says of its project's last job. */
function jobState(job) {
  const what = { storyboard: 'Storyboard', preview: 'Preview', export: 'Export' }[job.kind] || 'Video';
  if (job.status === 'done') return `${what} ready`;
  if (job.status === 'failed') return `${what} failed`;
  if (job.status === 'cancelled') return 'Cancelled';
  if (job.status === 'queued') return 'Queued';
  return job.kind === 'storyboard' ? 'Painting the storyboard' : 'Rendering';
}

/** At most `limit` calls at once: a page of cards asks for their jobs without a burst. */
function limiter(limit) {
  let active = 0;
  const waiting = [];
  const next = () => {
    if (active >= limit || !waiting.length) return;
    active += 1;
    const [fn, resolve, reject] = waiting.shift();
    fn().then(resolve, reject).finally(() => { active -= 1; next(); });
  };
  return (fn) => new Promise((resolve, reject) => { waiting.push([fn, resolve, reject]); next(); });
}

export async function renderProjects(main, { signal }) {
  fill(main, h('h1', {}, 'Your projects'), h('p', { class: 'loading' }, 'Loading projects…'));
  let projects;
  let next;
  try {
    ({ projects, next_cursor: next } = await api.listProjects());
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
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/templates' }, 'Templates'), h('a', { class: 'btn btn-primary', href: '#/new' }, 'New video')),
  );
  if (!projects.length) {
    fill(
      main,
      header,
      h(
        'div',
        { class: 'empty' },
        h('p', { class: 'empty-title' }, 'No projects yet.'),
        h('p', {}, 'Type a prompt, read the script, approve the pictures, and the Studio makes a narrated short.'),
        h('a', { class: 'btn btn-primary', href: '#/new' }, 'Start with a prompt'),
      ),
    );
    return;
  }
  const notice = h('div', { class: 'alert', role: 'alert', hidden: true });
  const grid = h('ul', { class: 'project-grid', 'aria-label': 'Projects' });
  const queue = limiter(3);
  const actions = {
    async duplicate(project) {
      try {
        const copy = await duplicateProject(project);
        location.hash = `#/projects/${copy.id}`;
      } catch (err) {
        fill(notice, err.message);
        notice.hidden = false;
      }
    },
    async remove(project, card) {
      const name = project.title || project.story?.title || project.prompt.slice(0, 60);
      if (!window.confirm(`Delete “${name}” and everything uploaded to it?`)) return;
      try {
        await api.deleteProject(project.id);
        card.remove();
        if (!grid.children.length) renderProjects(main, { signal });
      } catch (err) {
        fill(notice, err.message);
        notice.hidden = false;
      }
    },
  };
  const cards = [];
  // Each card asks for its last job (and that job's thumbnail) once it is on screen.
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      seen.unobserve(entry.target);
      const card = cards.find((c) => c.el === entry.target);
      queue(() => (signal.aborted ? Promise.resolve() : card.load()));
    }
  });
  signal.addEventListener('abort', () => seen.disconnect());
  const more = h('button', { type: 'button', class: 'btn more-projects' }, 'Show more projects');
  function show(page) {
    for (const project of page) {
      const card = projectCard(project, actions);
      cards.push(card);
      grid.append(card.el);
      seen.observe(card.el);
    }
    more.hidden = !next;
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const answer = await api.listProjects(next);
      next = answer.next_cursor;
      show(answer.projects);
    } catch (err) {
      fill(notice, err.message);
      notice.hidden = false;
    } finally {
      more.disabled = false;
    }
  });
  show(projects);
  fill(main, header, notice, grid, h('div', { class: 'actions list-more' }, more));
}

function projectCard(project, actions) {
  const story = project.story;
  const palette = story?.style?.palette || [];
  const swatch = palette.length ? `linear-gradient(120deg, ${palette.slice(0, 4).join(', ')})` : null;
  const title = project.title || story?.title || project.prompt;
  const thumb = h('div', { class: 'swatch', style: swatch ? `background: ${swatch}` : null, 'aria-hidden': 'true' });
  const status = h('span', { class: 'pill card-status', hidden: true });
  const el = h(
    'li',
    { class: 'project-card', dataset: { project: project.id } },
    h('div', { class: 'thumb-box' }, thumb, status),
    h(
      'div',
      { class: 'project-body' },
      h('h2', {}, h('a', { href: `#/projects/${project.id}`, class: 'stretched' }, title)),
      title !== project.prompt ? h('p', { class: 'muted clamp' }, project.prompt) : null,
      h('p', { class: 'chips' }, settingsSummary(project.settings).map((t) => h('span', { class: 'chip' }, t))),
      h(
        'p',
        { class: 'muted small' },
        story ? `${story.scenes.length} scenes · ` : 'No script yet · ',
        h('time', { datetime: project.created_at }, formatAgo(project.created_at)),
      ),
      h('div', { class: 'card-actions' },
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Duplicate ${title}`, onclick: () => actions.duplicate(project) }, 'Duplicate'),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${title}`, onclick: () => actions.remove(project, el) }, 'Delete')),
    ),
  );

  async function load() {
    let jobs;
    try {
      ({ jobs } = await api.listJobs(project.id));
    } catch {
      return;
    }
    const last = jobs[0];
    if (last) {
      status.hidden = false;
      status.className = `pill card-status pill-${last.status}`;
      status.textContent = jobState(last);
    }
    const withPicture = jobs.find((j) => j.status === 'done' && j.outputs?.thumbnail);
    if (!withPicture) return;
    try {
      const media = await api.jobMedia(withPicture.id);
      if (media.thumbnail) {
        fill(thumb, h('img', { src: resolveLink(media.thumbnail), alt: '', loading: 'lazy' }));
        thumb.classList.add('has-thumb');
      }
    } catch {
      // the swatch stays
    }
  }

  return { el, load };
}
