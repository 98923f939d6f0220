// The account's money and limits (GET /v1/account), the last 30 days of usage
// (GET /v1/analytics/usage), and the webhook that announces published videos (PUT/GET/DELETE
// /v1/webhook), on the Account page.

import { api } from '../api.js';
import { h, fill, formatSeconds, formatUsd, formatWhen } from '../dom.js';
import { alertBox, clearErrors, field, showErrors } from '../forms.js';

const duration = (v) => (v >= 3600 ? `${+(v / 3600).toFixed(1)} h` : formatSeconds(v) || '0 s');
const meter = (label, used, limit, format = String) =>
  h('li', { class: 'meter' },
    h('span', { class: 'meter-label' }, label),
    h('progress', { max: limit || 1, value: Math.min(used, limit || used), 'aria-label': `${label}: ${format(used)} of ${format(limit)}` }),
    h('span', { class: 'meter-value' }, `${format(used)} / ${format(limit)}`));

/** Credit, today's use against the daily limits, and the last 30 days. */
export async function usagePanel() {
  const el = h('section', { class: 'card usage', 'aria-labelledby': 'usage-heading' }, h('h2', { id: 'usage-heading' }, 'Credit and usage'));
  let account;
  let report;
  try {
    [account, report] = await Promise.all([api.account(), api.usage()]);
  } catch (err) {
    el.append(h('p', { class: 'muted' }, err.noRoute ? 'This server keeps no accounts.' : err.message));
    return el;
  }
  const t = report.totals;
  const providers = Object.entries(t.providers || {});
  fill(
    el,
    h('h2', { id: 'usage-heading' }, 'Credit and usage'),
    h('p', { class: 'credit' }, h('strong', {}, formatUsd(account.available_usd)), ' available',
      account.held_usd ? h('span', { class: 'muted' }, ` (${formatUsd(account.held_usd)} held by running jobs)`) : null,
      h('span', { class: 'muted' }, ` · ${formatUsd(account.spent_usd)} spent in all`)),
    h('h3', {}, 'Today'),
    h('ul', { class: 'meters' },
      meter('Videos', account.today.videos, account.limits.videos),
      meter('Video rendered', account.today.rendered_s, account.limits.rendered_s, duration),
      meter('Veo clips', account.today.veo_s, account.limits.veo_s, duration)),
    h('h3', {}, 'The last 30 days'),
    h('p', {}, `${t.videos} video${t.videos === 1 ? '' : 's'} made, ${formatSeconds(t.seconds_rendered) || '0 s'} in all, ${formatUsd(t.usd)} spent.`),
    providers.length
      ? h('table', { class: 'usage-table' },
          h('caption', { class: 'visually-hidden' }, 'Cost by provider, the last 30 days'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Provider'), h('th', { scope: 'col' }, 'Calls'), h('th', { scope: 'col' }, 'Cost'))),
          h('tbody', {}, providers.map(([name, p]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, p.calls), h('td', {}, formatUsd(p.usd))))))
      : null,
  );
  return el;
}

/** Where published videos are announced: set (the secret shown once), see, remove. */
export async function webhookPanel() {
  const url = h('input', { type: 'url', placeholder: 'https://example.com/hooks/story-genius', maxlength: 2048 });
  const current = h('div', { class: 'webhook-current' });
  const secret = h('div', { class: 'notice', role: 'status', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save webhook');
  const form = h('form', { class: 'card webhook-form', novalidate: true, 'aria-labelledby': 'webhook-heading' },
    h('h2', { id: 'webhook-heading' }, 'Webhook'),
    h('p', { class: 'hint' }, 'Each published video is announced to this address, signed with a secret (X-StoryGenius-Signature).'),
    current,
    alertBox(),
    field({ label: 'Webhook URL', field: 'url', control: url, hint: 'https, on the public internet' }),
    h('div', { class: 'actions' }, button),
    secret);

  function show(hook) {
    fill(current, hook
      ? h('p', {}, 'Announcing to ', h('strong', { class: 'webhook-url' }, hook.url), h('span', { class: 'muted small' }, ` · secret …${hook.secret_hint} · since ${formatWhen(hook.created_at)}`), ' ',
          h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: remove }, 'Remove webhook'))
      : h('p', { class: 'muted' }, 'No webhook: published videos are only shown on the calendar.'));
  }

  async function remove() {
    if (!window.confirm('Stop announcing published videos?')) return;
    try {
      await api.deleteWebhook();
      show(null);
      secret.hidden = true;
    } catch (err) {
      showErrors(form, err);
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    try {
      const made = await api.setWebhook({ url: url.value.trim() });
      show(made);
      url.value = '';
      fill(secret, h('strong', {}, 'The signing secret, shown this once: '), h('code', { class: 'secret' }, made.secret));
      secret.hidden = false;
    } catch (err) {
      showErrors(form, err);
    } finally {
      button.disabled = false;
    }
  });

  try {
    show(await api.getWebhook());
  } catch (err) {
    if (err.status === 404 && !err.noRoute) show(null);
    else if (err.noRoute) return h('div', { hidden: true });
    else show(null);
  }
  return form;
}
