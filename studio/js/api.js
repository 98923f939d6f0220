// The REST API (see GET /v1/openapi.json): JSON in and out, errors as the API words them, and
// a job's live events read from its server-sent event stream with fetch() (so the request
// carries the Authorization header; EventSource could not).

import { authHeaders } from './auth.js';

let base = '/v1';
let watcher = null; // optional {watchJob} module from config.watchModule (e.g. Firestore)

export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }

  /** The route itself does not exist on this server (not a missing resource). */
  get noRoute() {
    return this.status === 404 && this.code === 'not_found' && /^no route /.test(this.message);
  }
}

export async function configureApi(config) {
  base = (config.apiBase || defaultBase()).replace(/\/$/, '');
  if (config.watchModule) {
    watcher = await import(new URL(config.watchModule, document.baseURI).href);
  }
}

// Same origin: `/v1` under `python main.py serve`, `/api/v1` under Firebase Hosting (its
// rewrite sends /api/** to the api function).
function defaultBase() {
  const host = location.hostname;
  return host.endsWith('.web.app') || host.endsWith('.firebaseapp.com') ? '/api/v1' : '/v1';
}

export function apiBase() {
  return base;
}

/** An absolute URL for `link` (a path of the API's server, or a signed URL elsewhere). */
export function resolveLink(link) {
  return new URL(link, new URL(base, location.href)).href;
}

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: a proxy or a server that is not ours
  }
  const e = body && body.error;
  if (e && e.message) return new ApiError(res.status, e.code, e.message, e.fields);
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText}`);
}

export async function request(method, path, { body, headers = {}, signal } = {}) {
  const all = { Accept: 'application/json', ...(await authHeaders()), ...headers };
  const init = { method, headers: all, signal };
  if (body !== undefined) {
    all['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(base + path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', `Cannot reach the API at ${base} (${err.message}).`);
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return null;
  return res.json();
}

/** A file's bytes as the body (not multipart), its type as Content-Type; JSON answered. */
async function upload(path, file, signal) {
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream', ...(await authHeaders()) };
  let res;
  try {
    res = await fetch(base + path, { method: 'POST', headers, body: file, signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', `Cannot reach the API at ${base} (${err.message}).`);
  }
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

// What the server can do, from its OpenAPI document (about 120 KB): kept for the tab's session
// as a short summary (its routes, each model's property names) for ten minutes, so a page load
// does not fetch it again.
const API_KEY = 'storygenius.api';
const API_TTL_MS = 10 * 60 * 1000;
let described = null;

function summarise(doc) {
  const routes = Object.entries(doc.paths || {}).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const props = Object.fromEntries(Object.entries(doc.components?.schemas || {}).map(([name, schema]) => [name, Object.keys(schema.properties || {})]));
  return { routes, props };
}

function describeApi() {
  if (!described) {
    described = (async () => {
      try {
        const kept = JSON.parse(sessionStorage.getItem(API_KEY) || 'null');
        if (kept && kept.base === base && Date.now() - kept.at < API_TTL_MS) return kept;
      } catch {
        // nothing kept, or not readable: ask
      }
      try {
        const summary = { ...summarise(await request('GET', '/openapi.json')), base, at: Date.now() };
        try {
          sessionStorage.setItem(API_KEY, JSON.stringify(summary));
        } catch {
          // storage full or off: keep it for this page only
        }
        return summary;
      } catch {
        return { routes: [], props: {} }; // offer the basics; ask again on the next page load
      }
    })().then((s) => ({ routes: new Set(s.routes), props: s.props }));
  }
  return described;
}

/**
 * Whether the server has a route (its OpenAPI document says so), e.g.
 * `await hasRoute('POST', '/projects/{project_id}/script')`: screens offer only what the API
 * can do, without probing it with requests that 404.
 */
export async function hasRoute(method, path) {
  return (await describeApi()).routes.has(`${method.toUpperCase()} /v1${path}`);
}

const lists = new Map();

/**
 * A list the server may offer (`GET /v1<path>`), read once per page: `shape(answer)` as a
 * non-empty array, else `fallback` (the server has no such route, or it failed, or it was empty).
 */
export function serverList(path, shape, fallback) {
  if (!lists.has(path)) {
    lists.set(path, (async () => {
      if (!(await hasRoute('GET', path))) return fallback;
      try {
        const listed = shape(await request('GET', path));
        return listed.length ? listed : fallback;
      } catch {
        return fallback;
      }
    })());
  }
  return lists.get(path);
}

/** Whether the API's model `schema` (e.g. CreateSeries) has the property `name`. */
export async function schemaHas(schema, name) {
  return ((await describeApi()).props[schema] || []).includes(name);
}

const enc = encodeURIComponent;
const revision = (r) => `revision=${enc(r)}`;
const once = () => ({ 'Idempotency-Key': crypto.randomUUID() });

export const api = {
  /** A page of the caller's projects, newest first; `next_cursor` (when given) asks the next. */
  listProjects: (cursor) => request('GET', `/projects${cursor ? `?cursor=${enc(cursor)}` : ''}`),
  createProject: (body) => request('POST', '/projects', { body }),
  getProject: (id) => request('GET', `/projects/${enc(id)}`),
  updateProject: (id, body) => request('PATCH', `/projects/${enc(id)}`, { body }),
  deleteProject: (id) => request('DELETE', `/projects/${enc(id)}`),
  listJobs: (id) => request('GET', `/projects/${enc(id)}/jobs`),
  writeScript: (id) => request('POST', `/projects/${enc(id)}/script`, { headers: once() }),
  updateScene: (id, sceneId, body) =>
    request('PATCH', `/projects/${enc(id)}/scenes/${enc(sceneId)}`, { body }),
  insertScene: (id, body) => request('POST', `/projects/${enc(id)}/scenes`, { body }),
  deleteScene: (id, sceneId, rev) =>
    request('DELETE', `/projects/${enc(id)}/scenes/${enc(sceneId)}?${revision(rev)}`),
  reorderScenes: (id, body) => request('POST', `/projects/${enc(id)}/scenes:reorder`, { body }),
  updateStyle: (id, body) => request('PATCH', `/projects/${enc(id)}/style`, { body }),
  updateListings: (id, body) => request('PATCH', `/projects/${enc(id)}/listings`, { body }),
  /** kind: generate, preview, storyboard, or exports (with {aspect, resolution}). */
  start: (id, kind = 'generate', body = undefined) =>
    request('POST', `/projects/${enc(id)}/${kind}`, { body, headers: once() }),
  listUploads: (id) => request('GET', `/projects/${enc(id)}/uploads`),
  upload: (id, file, signal) =>
    upload(`/projects/${enc(id)}/uploads?filename=${enc((file.name || '').slice(0, 200))}`, file, signal),
  getJob: (id) => request('GET', `/jobs/${enc(id)}`),
  cancelJob: (id) => request('POST', `/jobs/${enc(id)}/cancel`),
  jobMedia: (id) => request('GET', `/jobs/${enc(id)}/media`),
  jobTrace: (id) => request('GET', `/jobs/${enc(id)}/trace`),
  listSchedules: (from, to, timezone) =>
    request('GET', `/schedules?from=${enc(from)}&to=${enc(to)}&timezone=${enc(timezone)}`),
  createSchedule: (body) => request('POST', '/schedules', { body }),
  deleteSchedule: (id) => request('DELETE', `/schedules/${enc(id)}`),
  getSchedule: (id) => request('GET', `/schedules/${enc(id)}`),
  moveSchedule: (id, body) => request('PATCH', `/schedules/${enc(id)}`, { body }),
  listSeries: () => request('GET', '/series'),
  getSeries: (id) => request('GET', `/series/${enc(id)}`),
  createSeries: (body) => request('POST', '/series', { body }),
  updateSeries: (id, body) => request('PATCH', `/series/${enc(id)}`, { body }),
  deleteSeries: (id) => request('DELETE', `/series/${enc(id)}`),
  listTemplates: () => request('GET', '/templates'),
  createTemplate: (body) => request('POST', '/templates', { body }),
  deleteTemplate: (id) => request('DELETE', `/templates/${enc(id)}`),
  listVoices: (language) => request('GET', `/voices?language=${enc(language)}`),
  account: () => request('GET', '/account'),
  usage: () => request('GET', '/analytics/usage'),
  getWebhook: () => request('GET', '/webhook'),
  setWebhook: (body) => request('PUT', '/webhook', { body }),
  deleteWebhook: () => request('DELETE', '/webhook'),
  listConnections: () => request('GET', '/connections'),
  connect: (platform, body) => request('POST', `/connections/${enc(platform)}`, { body }),
  disconnect: (platform) => request('DELETE', `/connections/${enc(platform)}`),
};

/**
 * Watch a job live: `onJob(job)` on every change (first with the job as it is), until it
 * ends. A dropped connection is reopened (with backoff); an error the API answers (404: not
 * this user's job) goes to `onError` and stops. Returns `stop()`.
 */
export function watchJob(jobId, { onJob, onError = () => {}, onConnection = () => {} }) {
  if (watcher) return watcher.watchJob(jobId, onJob, onError);
  const controller = new AbortController();
  let stopped = false;
  const stop = () => {
    stopped = true;
    controller.abort();
  };
  (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        const res = await fetch(`${base}/jobs/${enc(jobId)}/events`, {
          headers: { Accept: 'text/event-stream', ...(await authHeaders()) },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (!res.ok) throw await errorOf(res);
        onConnection('live');
        failures = 0;
        const ended = await readEvents(res.body, (event, data) => {
          if (event === 'job') onJob(data);
          return event === 'end';
        });
        if (ended) {
          onConnection('ended');
          return;
        }
      } catch (err) {
        if (stopped || err.name === 'AbortError') return;
        if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
          onError(err);
          return;
        }
      }
      onConnection('reconnecting');
      failures += 1;
      await new Promise((r) => setTimeout(r, Math.min(15000, 500 * 2 ** failures)));
    }
  })();
  return stop;
}

/** Read server-sent events from `body`; `onEvent` returns true to stop (the stream ended). */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (!line || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = text;
          else if (field === 'data') data.push(text);
        }
        if (data.length && onEvent(event, JSON.parse(data.join('\n')))) return true;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
