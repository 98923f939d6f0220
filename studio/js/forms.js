// Showing the API's errors on a form: error.message in the form's alert box, and each of
// error.fields next to the field it names (fields are dotted paths: "settings.duration_s").

import { h, fill } from './dom.js';

/** A labelled control with a slot for its error: `field` is the API's dotted field name. */
export function field({ label, field: name, control, hint }) {
  const id = control.id || `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  control.id = id;
  control.name = control.name || name;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  control.setAttribute('aria-describedby', [hintEl && hintEl.id, error.id].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    control,
    hintEl,
    error,
  );
}

/** A group of radio buttons (or other controls) under a legend, with an error slot. */
export function fieldset({ legend, field: name, children, hint, className = '' }) {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  return h(
    'fieldset',
    {
      class: `field ${className}`,
      dataset: { field: name },
      'aria-describedby': [hintEl && hintEl.id, error.id].filter(Boolean).join(' '),
    },
    h('legend', {}, legend),
    hintEl,
    children,
    error,
  );
}

export function alertBox() {
  return h('div', { class: 'alert', role: 'alert', tabindex: '-1', hidden: true });
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const alert = form.querySelector('.alert');
  if (alert) alert.hidden = true;
}

/**
 * Show `error` (an ApiError or any Error) on `form`, each problem once: a field's next to the
 * field (the alert then only names the fields to fix), the rest in the alert. Focus the first
 * bad field.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const alert = form.querySelector('.alert');
  const fields = (error && error.fields) || {};
  const unplaced = [];
  const placed = [];
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const holder = findField(form, name);
    const slot = holder && holder.querySelector('.field-error');
    if (!slot) {
      unplaced.push(`${name}: ${message}`);
      continue;
    }
    slot.textContent = slot.hidden ? message : `${slot.textContent}; ${message}`;
    slot.hidden = false;
    const control = holder.querySelector('input, textarea, select');
    for (const c of holder.querySelectorAll('input, textarea, select')) c.setAttribute('aria-invalid', 'true');
    const label = holder.querySelector('label, legend, .label');
    if (!placed.some(([h2]) => h2 === holder)) placed.push([holder, label ? label.textContent : name, control]);
    first = first || control;
  }
  if (alert) {
    const children = [];
    if (!placed.length || unplaced.length) children.push(h('strong', {}, unplaced.length && placed.length ? 'Some values need a change:' : error.message || String(error)));
    if (unplaced.length && (placed.length || Object.keys(fields).length > 1)) children.push(h('ul', {}, unplaced.map((t) => h('li', {}, t))));
    if (placed.length) {
      children.push(h('p', { class: 'alert-fields' }, placed.length === 1 ? 'Check the field marked below: ' : `Check the ${placed.length} fields marked below: `,
        placed.map(([, label, control], i) => [i ? ', ' : '', control
          ? h('a', { href: '#', onclick: (event) => { event.preventDefault(); control.focus(); } }, label)
          : label])));
    }
    fill(alert, children);
    alert.hidden = false;
  }
  (first || alert)?.focus?.();
}

function findField(form, name) {
  // "settings.duration_s" or a deeper path ("scene.narration.0"): the longest known prefix.
  const parts = name.split('.');
  for (let n = parts.length; n > 0; n -= 1) {
    const key = parts.slice(0, n).join('.');
    const holder = form.querySelector(`[data-field="${CSS.escape(key)}"]`);
    if (holder) return holder;
  }
  return null;
}
