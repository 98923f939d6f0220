// The project settings model (common/domain/project.py, ProjectSettings) as the Studio shows it.

import { serverList } from '../api.js';

export const ASPECTS = [
  { value: '9:16', label: 'Vertical', note: 'Shorts, Reels, TikTok' },
  { value: '16:9', label: 'Wide', note: 'YouTube, web' },
  { value: '1:1', label: 'Square', note: 'Feeds' },
];
export const RESOLUTIONS = ['1080p', '720p'];
export const CAPTION_STYLES = [
  { value: 'highlight', label: 'Highlight', note: 'the spoken word lights up' },
  { value: 'plain', label: 'Plain', note: 'lines without highlight' },
  { value: 'none', label: 'None', note: 'no burned-in captions' },
];
export const TRANSITIONS = [
  { value: 'crossfade', label: 'Crossfade' },
  { value: 'dip', label: 'Dip to black' },
  { value: 'slide', label: 'Slide' },
  { value: 'cut', label: 'Cut' },
];
// Shown until the server lists the languages it writes and speaks (GET /v1/languages): those
// of the offline writer and narrator (common/domain/languages.py, OFFLINE_LANGUAGES).
export const LANGUAGES = [
  { value: 'auto', label: 'Automatic (from the prompt)' },
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Spanish' },
  { value: 'pt', label: 'Portuguese' },
  { value: 'fr', label: 'French' },
  { value: 'de', label: 'German' },
  { value: 'hi', label: 'Hindi' },
  { value: 'id', label: 'Indonesian' },
  { value: 'zh', label: 'Chinese' },
  { value: 'ar', label: 'Arabic' },
];

/** The languages to offer: the server's list when it has one, else LANGUAGES. */
export function languages() {
  return serverList('/languages', (answer) => {
    const listed = (answer.languages || []).map((l) => ({ value: l.code || l.id, label: l.name ? `${l.name} (${l.code || l.id})` : l.code || l.id }));
    return listed.some((l) => l.value === 'auto') || !listed.length ? listed : [LANGUAGES[0], ...listed];
  }, LANGUAGES);
}

export const VISUAL_STYLES = [
  'storybook illustration',
  'watercolour painting',
  'cinematic photograph',
  'papercraft diorama',
  'anime film still',
  'ink and wash',
];
export const DEFAULTS = {
  duration_s: 30,
  aspect: '9:16',
  resolution: '1080p',
  language: 'auto',
  voice: 'default',
  visual_style: 'storybook illustration',
  caption_style: 'highlight',
  transition: 'crossfade',
  music: false,
  seed: 0,
};
export const MIN_SECONDS = 10;
export const MAX_SECONDS = 180;

/** Short chips describing settings: "30 s", "9:16", "1080p", ... */
export function settingsSummary(s) {
  if (!s) return [];
  const chips = [];
  if (s.format?.name) chips.push(s.format.name);
  if (s.duration_s) chips.push(`${s.duration_s} s`);
  if (s.aspect) chips.push(s.aspect);
  if (s.resolution) chips.push(s.resolution);
  if (s.language && s.language !== 'auto') chips.push(s.language);
  if (s.caption_style) chips.push(s.caption_style === 'none' ? 'no captions' : `${s.caption_style} captions`);
  if (s.transition) chips.push(s.transition);
  if (s.music || s.music_upload) chips.push('music');
  return chips;
}
