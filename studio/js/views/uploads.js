// A project's uploads (images, clips, music): the list, kept once per page, and the button that
// sends a file. The API checks the content itself; the page only picks what may be sent.

import { api } from '../api.js';
import { h, formatSeconds } from '../dom.js';

export const ACCEPT = {
  image: 'image/png,image/jpeg,image/webp',
  clip: 'video/mp4,video/quicktime,video/webm',
  music: 'audio/mpeg,audio/wav,audio/mp4,audio/x-m4a,audio/ogg',
};

/** The project's uploads, read once and kept up to date as files are sent. */
export function uploadsStore(projectId) {
  let listing = null;
  const listeners = new Set();
  const notify = (all) => listeners.forEach((fn) => fn(all));
  return {
    async list() {
      if (!listing) {
        listing = api.listUploads(projectId).then((a) => a.uploads, (err) => {
          listing = null;
          throw err;
        });
      }
      return listing;
    },
    async add(file, signal) {
      const upload = await api.upload(projectId, file, signal);
      const all = await this.list().catch(() => []);
      const next = [upload, ...all.filter((u) => u.id !== upload.id)];
      listing = Promise.resolve(next);
      notify(next);
      return upload;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** "photo.png · image 1080×1920", "song.mp3 · music 2:31". */
export function describeUpload(u) {
  const size = u.width && u.height ? ` ${u.width}×${u.height}` : '';
  const length = u.duration_s ? ` ${formatSeconds(u.duration_s)}` : '';
  return `${u.filename || u.id} · ${u.kind}${size}${length}`;
}

/**
 * A button that opens the file chooser and uploads the file: `onUploaded(upload)` after, and
 * the API's refusal (wrong type, too large) in `status`.
 */
export function uploadButton({ store, kinds, label, onUploaded = () => {} }) {
  const input = h('input', { type: 'file', accept: kinds.map((k) => ACCEPT[k]).join(','), class: 'visually-hidden', tabindex: '-1' });
  const button = h('button', { type: 'button', class: 'btn btn-small' }, label);
  const status = h('span', { class: 'upload-status small', role: 'status' });
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', async () => {
    const file = input.files[0];
    input.value = '';
    if (!file) return;
    button.disabled = true;
    status.className = 'upload-status small muted';
    status.textContent = `Uploading ${file.name}…`;
    try {
      const upload = await store.add(file);
      status.textContent = `Uploaded ${file.name}.`;
      onUploaded(upload);
    } catch (err) {
      status.className = 'upload-status small field-error';
      status.textContent = `${file.name}: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
  return h('span', { class: 'upload-button' }, button, input, status);
}
