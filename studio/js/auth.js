// Who the page acts for.
//
// Locally (`python main.py serve`, STORYGENIUS_AUTH=dev) the API takes
// `Authorization: Bearer dev:<uid>`; the Studio sends the dev uid shown in its header
// (kept in localStorage, "local" by default: the same user as `python main.py make`).
//
// With Firebase Auth (the cloud), set `tokenModule` in the `config.json` next to index.html
// (shipped with every key null: the defaults) to a module that signs the user in and hands out
// ID tokens:
//   {"apiBase": "/api/v1", "tokenModule": "./firebase-auth.js"}
// where firebase-auth.js (yours; the Studio ships none, so it has no Firebase dependency)
// exports `async function getIdToken()` returning the current user's Firebase ID token (e.g.
// `auth.currentUser.getIdToken()`), and optionally `label()` for the header. The page then sends
// `Authorization: Bearer <ID token>` and hides the dev user field.

const KEY = 'storygenius.devUid';
const UID = /^[A-Za-z0-9_-]{1,64}$/;

let provider = null; // {getIdToken, label?} from config.tokenModule

export async function initAuth(config) {
  if (config.tokenModule) {
    provider = await import(new URL(config.tokenModule, document.baseURI).href);
    if (typeof provider.getIdToken !== 'function') {
      throw new Error(`${config.tokenModule} does not export getIdToken()`);
    }
  }
}

export function usesDevIdentity() {
  return provider === null;
}

export function devUid() {
  const stored = localStorage.getItem(KEY);
  return stored && UID.test(stored) ? stored : 'local';
}

/** Set the dev uid; returns an error message when it is not a valid uid. */
export function setDevUid(uid) {
  if (!UID.test(uid)) return 'use 1 to 64 letters, digits, "-" or "_"';
  localStorage.setItem(KEY, uid);
  return null;
}

export function identityLabel() {
  if (provider && typeof provider.label === 'function') return provider.label();
  return provider ? 'signed in' : devUid();
}

/** The Authorization header for the next request. */
export async function authHeaders() {
  if (provider) return { Authorization: `Bearer ${await provider.getIdToken()}` };
  return { Authorization: `Bearer dev:${devUid()}` };
}
