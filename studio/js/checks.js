// Checks the page makes before sending: each answers a sentence for the person, or null.
// The API checks everything again; these only spare a round trip (and a failed job: a prompt of
// emoji alone is stored fine and only fails when the script is written).

const WORD = /[\p{L}\p{N}]/u;

/** What is wrong with a prompt (or a theme, a topic), or null. */
export function textProblem(text, { what = 'prompt', max = 2000 } = {}) {
  const value = text ?? '';
  if (!value.length) return `Write a ${what}: what is the video about?`;
  if (!value.trim().length) return `The ${what} is only spaces: write what the video is about.`;
  if (!WORD.test(value)) return `Use words in the ${what}: emoji and symbols alone can't become a story.`;
  if (value.length > max) return `Keep the ${what} under ${max} characters (it has ${value.length}).`;
  return null;
}

/**
 * A file name made from a title, for downloads: "The Keeper's Whale" -> "the-keeper-s-whale"
 * (as the API names them: download_name() in common/services/projects/media_links.py).
 */
export function slug(title, fallback = 'video') {
  const base = (title || '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return base || fallback;
}
