// api.js - calls to the server. A paired phone signs every request with its
// Ed25519 key (backend/auth.h); an office browser sends its session cookie,
// X-EP-CSRF on writes and X-EP-Production.
import * as store from './store.js';

export class ApiError extends Error {
  constructor(status, code, message, field, body = null) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.field = field || null;
    this.body = body; // the whole JSON answer (e.g. offset_mismatch's "received")
  }
}

export class NetworkError extends Error {}

const enc = new TextEncoder();

export function b64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function generateDeviceKeys() {
  // Private key non-extractable; the pair is kept in IndexedDB as is.
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
  const raw = await crypto.subtle.exportKey('raw', keys.publicKey);
  return { keys, publicKey: b64url(raw) };
}

async function signHeaders(identity, method, pathAndQuery, bodyBytes) {
  const keys = await store.getMeta('keys');
  const counter = String(await store.nextCounter());
  const hash = b64url(await crypto.subtle.digest('SHA-256', bodyBytes));
  const msg = `${method}\n${pathAndQuery}\n${identity.device_id}\n${counter}\n${hash}`;
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, enc.encode(msg));
  return {
    'X-EP-Device': identity.device_id,
    'X-EP-Counter': counter,
    'X-EP-Signature': b64url(sig),
  };
}

// request(identity, 'GET', '/api/v1/sync/pull', {query: {...}}) -> JSON.
// identity null: anonymous (login, pairing).
export async function request(identity, method, path, opts = {}) {
  try {
    return await requestOnce(identity, method, path, opts);
  } catch (e) {
    // Two signed requests racing can arrive out of counter order: the later
    // one is refused as a replay and is simply signed again.
    if (identity?.kind === 'device' && e instanceof ApiError && e.code === 'replayed_request') {
      return requestOnce(identity, method, path, opts);
    }
    throw e;
  }
}

// Bodies from this size up are worth gzip's 18 bytes of framing on a weak
// link (a push of three readings is about 800 bytes; gzip halves it).
export const GZIP_MIN_BYTES = 512;

// The bytes gzip-compressed, or null where the browser has no
// CompressionStream (the body then goes as it is).
async function gzipBytes(bytes) {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// raw: a Uint8Array sent as is (a photo chunk) with contentType and extra
// headers; blob: answer with the response's Blob instead of JSON; gzip: send a
// JSON body gzip-encoded when it is big enough (only the push accepts it; the
// signature covers the compressed bytes, as sent).
async function requestOnce(
  identity,
  method,
  path,
  { query, body, raw, contentType, headers: extra, blob, gzip, timeoutMs = 20000 } = {},
) {
  const qs = query ? new URLSearchParams(query).toString() : '';
  const pq = qs ? `${path}?${qs}` : path;
  const text = body === undefined ? '' : JSON.stringify(body);
  let bytes = raw || enc.encode(text);
  const headers = { Accept: blob ? '*/*' : 'application/json', ...(extra || {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (gzip && !raw && bytes.length >= GZIP_MIN_BYTES) {
    const z = await gzipBytes(bytes);
    if (z && z.length < bytes.length) {
      bytes = z;
      headers['Content-Encoding'] = 'gzip';
    }
  }
  if (raw) headers['Content-Type'] = contentType || 'application/octet-stream';
  if (identity?.kind === 'device')
    Object.assign(headers, await signHeaders(identity, method, pq, bytes));
  if (identity?.kind === 'office') {
    if (identity.production_id) headers['X-EP-Production'] = identity.production_id;
    if (method !== 'GET' && method !== 'HEAD' && identity.csrf)
      headers['X-EP-CSRF'] = identity.csrf;
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(pq, {
      method,
      headers,
      body: body === undefined && !raw ? undefined : bytes,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctl.signal,
    });
  } catch (e) {
    throw new NetworkError(e.message || 'network');
  } finally {
    clearTimeout(timer);
  }
  if (blob && res.ok) return res.blob();
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = json?.error || {};
    // The SW answers 503 "offline" when it cannot reach the server.
    if (res.status === 503 && err.code === 'offline') throw new NetworkError('offline');
    throw new ApiError(res.status, err.code, err.message, err.field, json);
  }
  return json;
}

// The office identity of a signed-in account (request() sends production_id
// as X-EP-Production): production may be null right after setup.
export function officeIdentity(me, production) {
  const m = production
    ? (me.memberships || []).find((x) => x.production_id === production.id) || {
        production_id: production.id,
        title: production.title,
        role: null,
      }
    : (me.memberships || [])[0];
  return {
    kind: 'office',
    account_id: me.account.id,
    name: me.account.name,
    email: me.account.email,
    csrf: me.csrf,
    production_id: m?.production_id || null,
    title: m?.title || null,
    role: m?.role || null,
    department: m?.department || null,
    member_id: m?.member_id || null,
    device_id: `office-${me.account.id}`,
    memberships: me.memberships || [],
  };
}
