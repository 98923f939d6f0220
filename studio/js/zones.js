// Time zones for people: the list to choose from, wall-clock times in a zone, and the API's
// UTC instants said again in the zone the person chose.

import { h } from './dom.js';

export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every IANA zone the browser knows, with UTC and the browser's own always among them. */
export function zones() {
  let all;
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  return [...new Set(['UTC', browserZone(), ...all])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export function zoneSelect(selected = browserZone()) {
  return h('select', {}, zones().map((z) => h('option', { value: z, selected: z === selected }, z)));
}

/** The wall-clock parts of `date` in `timeZone`, as numbers. */
function partsIn(date, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date);
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
}

/** The zone's offset from UTC at the instant `t` (ms), in ms. */
function offsetAt(t, timeZone) {
  const [y, mo, d, hh, mi, ss] = partsIn(new Date(t), timeZone);
  return Date.UTC(y, mo - 1, d, hh, mi, ss) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant (a Date) of a wall-clock "YYYY-MM-DDTHH:MM" in `timeZone`, as the API reads one
 * (Python's fold=0): a time that happens twice (clocks going back) is the first; a time that
 * never happens (clocks going forward) is read with the offset from before the change.
 */
export function wallToInstant(wall, timeZone) {
  const [date, time = '00:00'] = wall.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, hh, mm);
  const HALF_DAY = 12 * 3600 * 1000;
  const before = offsetAt(asUtc - HALF_DAY, timeZone); // offsets run at most a day apart
  const after = offsetAt(asUtc + HALF_DAY, timeZone);
  const first = asUtc - before;
  const second = asUtc - after;
  const maps = (t) => t + offsetAt(t, timeZone) === asUtc;
  return new Date(maps(first) || !maps(second) ? first : second);
}

/** "14 May 2031, 09:30 (Europe/Paris)". */
export function inZone(date, timeZone) {
  const text = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
  return `${text} (${timeZone})`;
}

const ISO_UTC = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]00:00))/g;

/** An API message with its UTC instants said in `timeZone` instead. */
export function messageInZone(message, timeZone) {
  return String(message).replace(ISO_UTC, (iso) => inZone(new Date(iso), timeZone));
}
