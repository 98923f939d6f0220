// What YouTube, TikTok and Instagram show with the video (PATCH /v1/projects/{id}/listings):
// each platform's title, description and hashtags, written with the story and editable until
// a post goes out. A schedule's destination may still override them.

import { api, hasRoute } from '../api.js';
import { h } from '../dom.js';
import { alertBox, field } from '../forms.js';
import { section, save } from './project-settings.js';
import { PLATFORM_NAMES } from './destinations.js';

const PLATFORMS = ['youtube', 'tiktok', 'instagram'];
const TAGS_HINT = 'Each starts with # or ends at a comma.';
const HINTS = {
  youtube: '#Shorts is added for vertical videos up to 3 minutes.',
  tiktok: 'Title, description and hashtags make one caption.',
  instagram: 'Title, description and hashtags make one caption.',
};

// Tags are parted by commas or by their `#`: "whale song, #Lighthouse" is #WhaleSong and
// #Lighthouse (the server joins a tag's words).
const tags = (text) => text.split(/,|(?=#)/).map((t) => t.trim()).filter(Boolean);

/** `{el, update(project)}`; hidden while the project has no story (or the server no route). */
export async function listingsPanel({ getProject, onSaved }) {
  const supported = await hasRoute('PATCH', '/projects/{project_id}/listings');
  const controls = Object.fromEntries(PLATFORMS.map((p) => [p, {
    title: h('input', { maxlength: 100 }),
    description: h('textarea', { rows: 3, maxlength: 5000 }),
    hashtags: h('input', { placeholder: '#Whale #Lighthouse' }),
  }]));
  const done = h('p', { class: 'success', role: 'status' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save titles and hashtags');
  const form = h('form', { class: 'listings-form', novalidate: true, 'aria-label': 'Titles and hashtags' },
    alertBox(),
    PLATFORMS.map((p) => h('fieldset', { class: 'listing', dataset: { platform: p } },
      h('legend', {}, PLATFORM_NAMES[p]),
      field({ label: `${PLATFORM_NAMES[p]} title`, field: `${p}.title`, control: controls[p].title }),
      field({ label: `${PLATFORM_NAMES[p]} description`, field: `${p}.description`, control: controls[p].description }),
      field({ label: `${PLATFORM_NAMES[p]} hashtags`, field: `${p}.hashtags`, control: controls[p].hashtags, hint: `${TAGS_HINT} ${HINTS[p]}` }))),
    h('div', { class: 'actions' }, button, done));
  const { el, state } = section('listings-heading', 'Titles and hashtags', form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    done.textContent = '';
    const p = getProject();
    const body = { revision: p.revision };
    for (const platform of PLATFORMS) {
      const c = controls[platform];
      const before = p.story.listings?.[platform];
      const next = { title: c.title.value.trim(), description: c.description.value, hashtags: tags(c.hashtags.value) };
      const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(before?.[k]) !== JSON.stringify(v)));
      if (Object.keys(changed).length) body[platform] = changed;
    }
    if (Object.keys(body).length === 1) {
      done.textContent = 'Nothing changed.';
      return;
    }
    save(form, button, () => api.updateListings(p.id, body), onSaved, done);
  });

  return {
    el,
    update(p) {
      el.hidden = !supported || !p.story;
      if (el.hidden) return;
      const listings = p.story.listings || {};
      for (const platform of PLATFORMS) {
        const listing = listings[platform] || { title: p.story.title, description: p.story.logline || '', hashtags: [] };
        controls[platform].title.value = listing.title;
        controls[platform].description.value = listing.description;
        controls[platform].hashtags.value = listing.hashtags.join(' ');
      }
      state.textContent = listings.youtube?.title || p.story.title;
    },
  };
}
