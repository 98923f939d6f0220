// Where a schedule's (or a series') video is posted when it publishes: the connected YouTube,
// TikTok and Instagram accounts, each with its privacy and an optional title of its own; and
// each post's state afterwards (queued, uploading, published with its link, failed and why).

import { api, hasRoute } from '../api.js';
import { h, formatWhen } from '../dom.js';
import { fieldset } from '../forms.js';

export const PLATFORM_NAMES = { youtube: 'YouTube', tiktok: 'TikTok', instagram: 'Instagram' };
const PRIVACY = [['public', 'Public'], ['unlisted', 'Unlisted'], ['private', 'Private']];
const POST_TEXT = {
  queued: 'queued', uploading: 'uploading', processing: 'processing', published: 'published',
  failed: 'failed', reconnect: 'needs reconnecting', cancelled: 'cancelled', scheduled: 'scheduled',
};

/**
 * `{el, read()}`: one row per platform; connected ones can be ticked. `initial` is a list of
 * destinations already chosen. On a server without connected accounts, an empty element.
 */
export async function destinationsPicker(initial = []) {
  if (!(await hasRoute('GET', '/connections'))) return { el: h('div', { hidden: true }), read: () => undefined };
  let connections = [];
  try {
    ({ connections } = await api.listConnections());
  } catch {
    connections = [];
  }
  const chosen = new Map(initial.map((d) => [d.platform, d]));
  const rows = connections.map((c) => {
    const name = PLATFORM_NAMES[c.platform] || c.platform;
    const usable = c.status === 'connected';
    const was = chosen.get(c.platform);
    const tick = h('input', { type: 'checkbox', id: `dest-${c.platform}`, value: c.platform, checked: Boolean(was) && usable, disabled: !usable });
    const privacy = h('select', { 'aria-label': `${name} privacy` }, PRIVACY.map(([v, l]) => h('option', { value: v, selected: v === (was?.privacy || 'public') }, l)));
    const title = h('input', { maxlength: 100, placeholder: 'Title: the story’s', 'aria-label': `${name} title`, value: was?.title || '' });
    const extra = h('div', { class: 'dest-extra' }, privacy, title);
    const sync = () => { extra.hidden = !tick.checked; };
    tick.addEventListener('change', sync);
    sync();
    const why = usable ? null : h('a', { class: 'small', href: '#/accounts' }, c.status === 'reconnect' ? 'reconnect it' : 'connect it first');
    return {
      el: h('div', { class: 'dest-row', dataset: { platform: c.platform } },
        h('div', { class: 'check' }, tick, h('label', { for: tick.id }, name), why), extra),
      read: () => (tick.checked
        ? { platform: c.platform, privacy: privacy.value, ...(title.value.trim() ? { title: title.value.trim() } : {}) }
        : null),
    };
  });
  const el = fieldset({ legend: 'Post to', field: 'destinations', children: rows.map((r) => r.el), hint: 'Connected accounts get the video when it publishes, once each.' });
  return { el, read: () => rows.map((r) => r.read()).filter(Boolean) };
}

/** Each post of a schedule: platform, state, link, why it failed; times in `timeZone`. */
export function postList(posts = [], timeZone = undefined) {
  if (!posts.length) return null;
  return h('ul', { class: 'post-list', 'aria-label': 'Posts' }, posts.map((p) => {
    const name = PLATFORM_NAMES[p.platform] || p.platform;
    // Uploaded ahead of its time: the platform makes it public at scheduled_for (the API's
    // note says so in UTC; here it is said in the schedule's zone).
    const state = p.status === 'scheduled' && p.scheduled_for
      ? `scheduled on ${name} for ${formatWhen(p.scheduled_for, timeZone)}` : POST_TEXT[p.status] || p.status;
    const note = p.note?.split('; ').filter((n) => !n.startsWith('scheduled on ')).join('; ');
    return h('li', { class: `post post-${p.status}` },
      h('strong', {}, name), ` · ${state}`,
      p.url ? [' · ', h('a', { href: p.url, target: '_blank', rel: 'noopener' }, 'see it')] : null,
      p.status === 'reconnect' ? [' · ', h('a', { href: '#/accounts' }, 'reconnect')] : null,
      p.error ? h('span', { class: 'small field-error' }, ` ${p.error}`) : null,
      note ? h('span', { class: 'small muted' }, ` ${note}`) : null);
  }));
}
