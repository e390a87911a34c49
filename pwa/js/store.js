// store.js - the phone's side of the data: the local IndexedDB store
// (through idb, pwa/vendor/idb.js), then the calls to the server, which
// sign with the device keys and the request counter kept here. One module
// because every screen needs both before it can draw (docs/pwa.md,
// "Loading").
//
// The IndexedDB stores:
//   ops     every op this replica holds (pulled or made here), key op id
//   outbox  ops made here not yet acknowledged: {op, body, status, code, reason, at}
//   meta    small values by key: identity, keys (CryptoKeyPair), counter,
//           cursor, hlc, lastSync, lastError, lang, lastValues, derived
//   photos  (version 2) photos attached here, key the attachments fact id:
//           {id, op, blob, thumb, size, sha256, caption, target_col,
//           target_id, state, received, code, reason, at} (pwa/js/attach.js)
import { openDB, deleteDB } from '../vendor/idb.js';

const NAME = 'ecoplateau';
let dbp = null;

export function db() {
  if (!dbp) {
    dbp = openDB(NAME, 2, {
      // Each version adds its stores only: a phone upgraded from version 1
      // keeps its ops, outbox and keys.
      upgrade(d, oldVersion) {
        if (oldVersion < 1) {
          d.createObjectStore('ops', { keyPath: 'op' });
          d.createObjectStore('outbox', { keyPath: 'op' });
          d.createObjectStore('meta');
        }
        if (oldVersion < 2) d.createObjectStore('photos', { keyPath: 'id' });
      },
      blocking() {
        // Another tab upgrades: let it.
        dbp?.then((x) => x.close());
        dbp = null;
      },
    });
  }
  return dbp;
}

export async function getMeta(key, dflt = undefined) {
  const v = await (await db()).get('meta', key);
  return v === undefined ? dflt : v;
}

export async function setMeta(key, value) {
  return (await db()).put('meta', value, key);
}

export async function allOps() {
  return (await db()).getAll('ops');
}

export async function outbox() {
  const list = await (await db()).getAll('outbox');
  return list.sort((a, b) => a.at - b.at || (a.op < b.op ? -1 : 1));
}

// A new local op: into ops and the outbox in one transaction, so a crash
// never leaves one without the other.
export async function addLocalOp(op) {
  const tx = (await db()).transaction(['ops', 'outbox'], 'readwrite');
  await Promise.all([
    tx.objectStore('ops').put(op),
    tx.objectStore('outbox').put({ op: op.op, body: op, status: 'pending', at: Date.now() }),
    tx.done,
  ]);
}

// The server's database changed (a restored backup): queue every op this
// device ever made again. The server answers "duplicate" for those it has
// and stores those the backup lacked, so nothing acknowledged before is lost.
export async function requeueOwn(device) {
  const tx = (await db()).transaction(['ops', 'outbox'], 'readwrite');
  const box = tx.objectStore('outbox');
  let n = 0;
  for (const op of await tx.objectStore('ops').getAll()) {
    if (op.dev !== device || (await box.get(op.op))) continue;
    await box.put({ op: op.op, body: op, status: 'pending', at: Date.now() });
    n++;
  }
  await tx.done;
  return n;
}

// Push acknowledgements: drop applied/duplicate/quarantined, mark rejected.
export async function ackOutbox(results) {
  const tx = (await db()).transaction(['outbox', 'meta'], 'readwrite');
  const box = tx.objectStore('outbox');
  const quarantined = (await tx.objectStore('meta').get('quarantined')) || {};
  for (const r of results) {
    const item = await box.get(r.op);
    if (!item) continue;
    if (r.status === 'applied' || r.status === 'duplicate' || r.status === 'quarantined') {
      await box.delete(r.op);
      if (r.status === 'quarantined') quarantined[r.op] = r.reason || r.code || '';
    } else if (r.status === 'rejected') {
      await box.put({ ...item, status: 'rejected', code: r.code || '', reason: r.reason || '' });
    }
  }
  await tx.objectStore('meta').put(quarantined, 'quarantined');
  await tx.done;
}

// Removes a refused op for good (the user fixed it with a new one).
export async function discardLocalOp(opId) {
  const tx = (await db()).transaction(['ops', 'outbox'], 'readwrite');
  await Promise.all([
    tx.objectStore('ops').delete(opId),
    tx.objectStore('outbox').delete(opId),
    tx.done,
  ]);
}

// A pulled page: its ops and the new cursor in the same transaction (§5).
export async function savePage(ops, cursor, hlc) {
  const tx = (await db()).transaction(['ops', 'meta'], 'readwrite');
  const s = tx.objectStore('ops');
  for (const op of ops) await s.put(op);
  const meta = tx.objectStore('meta');
  await meta.put(cursor, 'cursor');
  const last = (await meta.get('hlc')) || '000000000000-0000';
  if (hlc && hlc > last) await meta.put(hlc, 'hlc');
  await tx.done;
}

// Next request counter for the device signature, persisted before use so a
// reload never reuses one; Date.now() as a floor helps a phone that lost its
// stored count (docs/security.md), the server only compares numbers.
export async function nextCounter() {
  const tx = (await db()).transaction('meta', 'readwrite');
  const n = Math.max(((await tx.store.get('counter')) || 0) + 1, Date.now());
  await tx.store.put(n, 'counter');
  await tx.done;
  return n;
}

export async function wipe() {
  if (dbp) (await dbp).close();
  dbp = null;
  await deleteDB(NAME);
}

// Ticks the replica's clock for a new op (docs/sync-protocol.md §3).
export async function nextHlc(tick) {
  const tx = (await db()).transaction('meta', 'readwrite');
  const next = tick((await tx.store.get('hlc')) || '000000000000-0000', Date.now());
  await tx.store.put(next, 'hlc');
  await tx.done;
  return next;
}

// ---- photos (attach.js): the bytes wait here until the server has them all.
export async function putPhoto(rec) {
  return (await db()).put('photos', rec);
}

export async function getPhoto(id) {
  return (await db()).get('photos', id);
}

export async function allPhotos() {
  const list = await (await db()).getAll('photos');
  return list.sort((a, b) => a.at - b.at);
}

export async function deletePhoto(id) {
  return (await db()).delete('photos', id);
}

// Changes some fields of a stored photo in one transaction; returns it, or
// null when it was removed meanwhile.
export async function updatePhoto(id, changes) {
  const tx = (await db()).transaction('photos', 'readwrite');
  const rec = await tx.store.get(id);
  if (rec) await tx.store.put({ ...rec, ...changes });
  await tx.done;
  return rec ? { ...rec, ...changes } : null;
}

// ---- calls to the server (formerly api.js) ----------------------------------
// A paired phone signs every request with its Ed25519 key (backend/auth.h);
// an office browser sends its session cookie, X-EP-CSRF on writes and
// X-EP-Production.
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
  const keys = await getMeta('keys');
  const counter = String(await nextCounter());
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
