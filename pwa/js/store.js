// store.js - the local IndexedDB store, through idb (pwa/vendor/idb.js).
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
