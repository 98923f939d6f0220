// The account (#/accounts): credit and usage, the connected YouTube, TikTok and Instagram
// accounts the calendar posts to, and the webhook. Connected accounts: "Connect" sends the browser to the platform's consent screen (POST /v1/connections/{p}
// answers where); the platform sends it back to /v1/oauth/callback, which returns here with
// ?connected=<platform>. "Disconnect" revokes the grant at the platform too.

import { api, hasRoute } from '../api.js';
import { h, fill, formatWhen } from '../dom.js';
import { usagePanel, webhookPanel } from './usage.js';

const NAMES = { youtube: 'YouTube', tiktok: 'TikTok', instagram: 'Instagram' };
const NOTES = {
  youtube: 'Uploads as Shorts when vertical, with the synthetic-content disclosure.',
  tiktok: 'Posts are private (only you) until the app passes TikTok’s audit.',
  instagram: 'Posts Reels through a linked Instagram professional account.',
};

export async function renderAccounts(main, { query, signal }) {
  const [usage, webhook, platforms] = await Promise.all([usagePanel(), webhookPanel(), hasRoute('GET', '/connections')]);
  if (signal.aborted) return;
  const head = h('div', { class: 'page-head' }, h('h1', {}, 'Account'));
  const intro = h('div', { class: 'section-head' }, h('h2', { id: 'connections-heading' }, 'Connected accounts'),
    h('p', { class: 'muted' }, 'Where scheduled videos and series runs are posted. Tokens are kept encrypted; disconnecting revokes them at the platform.'));
  if (!platforms) {
    fill(main, head, usage, intro, h('div', { class: 'notice', role: 'status' }, h('strong', {}, 'Connected accounts aren’t available on this server.'), ' Published videos are still announced by link and webhook.'), webhook);
    return;
  }
  const notice = h('div', { class: 'alert', role: 'alert', hidden: true });
  const status = h('p', { class: 'success', role: 'status' });
  const list = h('ul', { class: 'account-list', 'aria-labelledby': 'connections-heading' });
  fill(main, head, usage, intro, notice, status, list, webhook);
  const connected = query.get('connected');
  if (connected) status.textContent = `${NAMES[connected] || connected} is connected.`;

  const problem = (err) => {
    fill(notice, err.message);
    notice.hidden = false;
  };

  async function load() {
    let connections;
    try {
      ({ connections } = await api.listConnections());
    } catch (err) {
      if (!signal.aborted) problem(err);
      return;
    }
    if (signal.aborted) return;
    fill(list, connections.map((c) => accountCard(c, { connect, disconnect })));
  }

  async function connect(c, button) {
    button.disabled = true;
    try {
      const started = await api.connect(c.platform, { return_to: '/#/accounts' });
      location.assign(started.authorize_url);
    } catch (err) {
      problem(err);
      button.disabled = false;
    }
  }

  async function disconnect(c, button) {
    if (!window.confirm(`Disconnect ${NAMES[c.platform]}? Scheduled posts to it stop, and the platform is asked to revoke access.`)) return;
    button.disabled = true;
    try {
      const answer = await api.disconnect(c.platform);
      status.textContent = `${NAMES[c.platform]} is disconnected${answer.note ? `: ${answer.note}` : '.'}`;
      await load();
    } catch (err) {
      problem(err);
      button.disabled = false;
    }
  }

  await load();
}

function accountCard(c, { connect, disconnect }) {
  const name = NAMES[c.platform] || c.platform;
  const state = {
    connected: ['Connected', 'pill-done'],
    reconnect: ['Reconnect needed', 'pill-failed'],
    disconnected: ['Not connected', ''],
    not_connected: ['Not connected', ''],
  }[c.status] || [c.status, ''];
  const connectButton = h('button', { type: 'button', class: `btn btn-small${c.status === 'connected' ? '' : ' btn-primary'}`, disabled: !c.configured }, c.status === 'reconnect' ? `Reconnect ${name}` : `Connect ${name}`);
  connectButton.addEventListener('click', () => connect(c, connectButton));
  const disconnectButton = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, `Disconnect ${name}`);
  disconnectButton.addEventListener('click', () => disconnect(c, disconnectButton));
  const live = c.status === 'connected' || c.status === 'reconnect';
  return h(
    'li',
    { class: 'card account-card', dataset: { platform: c.platform } },
    h('div', { class: 'template-head' }, h('h2', {}, name), h('span', { class: `pill ${state[1]}` }, state[0])),
    c.account_name || c.account_id ? h('p', {}, `As ${c.account_name || c.account_id}`, c.connected_at ? h('span', { class: 'muted small' }, ` · since ${formatWhen(c.connected_at)}`) : null) : null,
    c.status === 'reconnect' ? h('p', { class: 'field-error' }, c.error || `${name} no longer accepts this connection: connect again.`) : null,
    h('p', { class: 'muted small' }, NOTES[c.platform] || ''),
    c.configured ? null : h('p', { class: 'notice small' }, `This server has no ${name} OAuth client: set its client id and secret (see the README) to connect.`),
    h('div', { class: 'actions' }, c.status === 'connected' ? null : connectButton, live ? disconnectButton : null),
  );
}
