// How long a running job has left, from the progress its document reports over time.
//
// The progress bar's stages are not equal in time (a Veo clip takes minutes, a keyframe
// seconds), so the estimate follows the recent pace: the progress gained over the last minute
// of updates. While the bar stands still (a long step between updates) it falls back to the
// job's average pace since it started, and says nothing until there is a pace to go by.

const WINDOW_MS = 60_000;
const MIN_SPAN_MS = 2_000;

/** A job document's own estimate of its end, when the backend writes one. */
function ownEstimate(job, now) {
  const finish = job.estimated_finish_at || job.eta_at;
  if (finish) return Math.max(0, (new Date(finish).getTime() - now) / 1000);
  if (Number.isFinite(job.eta_s) && job.updated_at) {
    return Math.max(0, job.eta_s - (now - new Date(job.updated_at).getTime()) / 1000);
  }
  return null;
}

export function etaTracker() {
  let jobId = null;
  let samples = []; // [ms, progress], oldest first

  /** Record a job document as it arrives (`at`: when, in ms; default now). */
  function observe(job, at = Date.now()) {
    if (job.id !== jobId) {
      jobId = job.id;
      samples = [];
    }
    const last = samples.at(-1);
    if (!last || last[1] !== job.progress) samples.push([at, job.progress]);
    while (samples.length > 2 && at - samples[1][0] > WINDOW_MS) samples.shift();
  }

  /** Seconds left for `job` at `now` (ms), or null when there is nothing to go by yet. */
  function secondsLeft(job, now = Date.now()) {
    if (['done', 'failed', 'cancelled'].includes(job.status)) return null;
    const own = ownEstimate(job, now);
    if (own !== null) return own;
    const progress = job.progress;
    if (!(progress > 0) || progress >= 100) return null;
    const first = samples[0];
    const last = samples.at(-1);
    if (first && last && last[1] > first[1] && last[0] - first[0] >= MIN_SPAN_MS) {
      const perMs = (last[1] - first[1]) / (last[0] - first[0]);
      const left = (100 - progress) / perMs - (now - last[0]);
      if (left > 0) return left / 1000;
      // Overdue at the recent pace: the bar stands still; the average pace says more.
    }
    if (!job.started_at) return null;
    const elapsed = now - new Date(job.started_at).getTime();
    if (elapsed < MIN_SPAN_MS) return null;
    return (elapsed * (100 - progress)) / progress / 1000;
  }

  return { observe, secondsLeft };
}

/** "about 40 s left", "about 3 min left", "almost done". */
export function formatLeft(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 5) return 'almost done';
  if (seconds < 60) return `about ${Math.ceil(seconds / 5) * 5} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}
