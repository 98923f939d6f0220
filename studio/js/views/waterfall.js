// Where a job's time went: its stages (and, when the server keeps a trace of the job, every
// step delivery, provider call and ffmpeg run under them) as bars on one time axis.
//
// The trace is `GET /v1/jobs/{id}/trace` (spans with a parent, a start and an end), when the
// server has that route; otherwise the job document's own stage timings.

import { api, hasRoute } from '../api.js';
import { h, fill, formatSeconds } from '../dom.js';

const STAGE_NAMES = { queued: 'Queued', script: 'Script', references: 'References', scenes: 'Scenes', assembly: 'Assembly' };
const MAX_ROWS = 80;

const time = (v) => (v === null || v === undefined ? null : typeof v === 'number' ? v * (v < 1e12 ? 1000 : 1) : new Date(v).getTime());

/** Rows [{label, start, end, depth, note}] from the job's stage timings. */
export function stageRows(job) {
  return Object.entries(job.timings || {})
    .map(([stage, t]) => ({
      label: STAGE_NAMES[stage] || stage,
      start: time(t.started_at),
      end: time(t.finished_at ?? (job.finished_at || null)) ?? Date.now(),
      depth: 0,
    }))
    .filter((r) => r.start !== null)
    .sort((a, b) => a.start - b.start);
}

/** The job's stages, then its trace's spans (each under its parent) one level below them. */
export function traceRows(job, spans) {
  return [...stageRows(job), ...spanRows(spans).map((r) => ({ ...r, depth: r.depth + 1 }))];
}

/** Rows from trace spans, each under its parent, in start order. */
export function spanRows(spans) {
  const byId = new Map();
  const children = new Map();
  const norm = spans.map((s) => ({
    id: s.span_id || s.id,
    parent: s.parent_span_id || s.parent_id || s.parent || null,
    label: spanLabel(s),
    start: time(s.start_time ?? s.start),
    end: time(s.end_time ?? s.end) ?? Date.now(),
  })).filter((s) => s.start !== null);
  for (const s of norm) byId.set(s.id, s);
  for (const s of norm) {
    const parent = s.parent && byId.has(s.parent) ? s.parent : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(s);
  }
  const rows = [];
  const walk = (parent, depth) => {
    for (const s of (children.get(parent) || []).sort((a, b) => a.start - b.start)) {
      rows.push({ ...s, depth });
      walk(s.id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

function spanLabel(s) {
  const a = s.attributes || {};
  const scene = a['storygenius.scene'] || a.scene;
  const name = s.name || 'span';
  return scene ? `${name} · ${scene}` : name;
}

/** The waterfall of `rows` as a list of bars on one axis. */
export function waterfall(rows) {
  if (!rows.length) return h('p', { class: 'muted small' }, 'No timings recorded yet.');
  const t0 = Math.min(...rows.map((r) => r.start));
  const t1 = Math.max(...rows.map((r) => r.end));
  const span = Math.max(1, t1 - t0);
  const shown = rows.slice(0, MAX_ROWS);
  return h(
    'div',
    { class: 'waterfall-body' },
    h('ol', { class: 'waterfall-rows', 'aria-label': `Timeline, ${formatSeconds(span / 1000)} in all` },
      shown.map((r) => {
        const left = ((r.start - t0) / span) * 100;
        const width = Math.max(0.6, ((r.end - r.start) / span) * 100);
        const took = formatSeconds(Math.max(0, r.end - r.start) / 1000) || '0 s';
        return h('li', { class: 'waterfall-row', dataset: { depth: Math.min(r.depth, 4) } },
          h('span', { class: 'waterfall-label', title: r.label }, r.label),
          h('span', { class: 'waterfall-track' },
            h('span', { class: 'waterfall-bar', style: { left: `${left}%`, width: `${Math.min(width, 100 - left)}%` } }),
            h('span', { class: 'visually-hidden' }, `starts at ${formatSeconds((r.start - t0) / 1000) || '0 s'}, `)),
          h('span', { class: 'waterfall-took' }, took));
      })),
    rows.length > shown.length ? h('p', { class: 'muted small' }, `and ${rows.length - shown.length} more`) : null,
  );
}

/** A collapsible "Where the time went" for a job: `update(job)` on every change. */
export function timeline() {
  const body = h('div', {});
  const el = h('details', { class: 'waterfall' }, h('summary', {}, 'Where the time went'), body);
  let job = null;
  let traced = null; // whether the server keeps traces
  let loaded = '';

  async function draw() {
    if (!el.open || !job) return;
    if (traced === null) traced = await hasRoute('GET', '/jobs/{job_id}/trace');
    const memo = `${job.id}|${job.updated_at}`;
    if (memo === loaded) return;
    loaded = memo;
    if (traced) {
      try {
        const trace = await api.jobTrace(job.id);
        if ((trace.spans || []).length) {
          fill(body, waterfall(traceRows(job, trace.spans)));
          return;
        }
      } catch {
        // the job's own stage timings below
      }
    }
    fill(body, waterfall(stageRows(job)));
  }
  el.addEventListener('toggle', draw);

  return {
    el,
    update(next) {
      job = next;
      draw();
    },
  };
}
