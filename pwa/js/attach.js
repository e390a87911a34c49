// attach.js - photos attached to readings, tasks, actions, communications
// and checkpoints (docs/pwa.md "Photos"; the contract is the "Attachments"
// section of docs/sync-protocol.md).
//
// On the phone a photo is decoded (EXIF orientation applied), scaled down to
// at most 2048 px and re-encoded as JPEG: the new file carries no metadata at
// all, so the position the camera wrote is gone unless the person ticked
// "keep the place", in which case it is read from the original's EXIF and
// sent as lat/lon on the fact. The bytes wait in IndexedDB (store "photos");
// the "attachments" fact goes through the outbox like any op. Once a push
// acknowledged the fact, the Uploader sends the bytes in 256 KiB signed
// chunks, starting where the server says it is (GET .../status), so a reload
// or a lost connection resumes instead of restarting. It runs beside the
// sync, never inside it: a refusal or a failure stops only that photo.
import { readGps, nextRange, hex, adaptChunk, CHUNK_START } from './imagebytes.js';
import { uuidv7 } from './sync/engine.js';
import * as store from './store.js';
import { request, ApiError, NetworkError } from './store.js';

export const TARGETS = ['readings', 'actions', 'tasks', 'communications', 'checkpoints'];
export const MAX_EDGE = 2048;
export const QUALITY = 0.85;
export const THUMB_EDGE = 320;
// The server's default cap (--attachment-max); a server set lower refuses
// the fact or the upload with its own message.
export const LOCAL_CAP = 10 * 1024 * 1024;
// Originals above this are not even decoded (a phone's memory).
export const MAX_ORIGINAL = 60 * 1024 * 1024;
// Where EXIF lives: APP1 is at most 64 KiB and comes first.
const EXIF_WINDOW = 256 * 1024;

export class PhotoError extends Error {
  constructor(code, params = {}) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

async function encode(bitmap, maxEdge, quality) {
  const k = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * k));
  const hh = Math.max(1, Math.round(bitmap.height * k));
  const canvas =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(w, hh)
      : Object.assign(document.createElement('canvas'), { width: w, height: hh });
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff'; // JPEG has no transparency: white, not black
  g.fillRect(0, 0, w, hh);
  g.drawImage(bitmap, 0, 0, w, hh);
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode'))), 'image/jpeg', quality),
  );
}

// file (a File from the picker) -> {blob, thumb, size, sha256, gps}. Throws
// PhotoError 'empty' | 'original_too_large' | 'not_image' | 'too_large'.
export async function processImage(file, keepLocation) {
  if (!file || !file.size) throw new PhotoError('empty');
  if (file.size > MAX_ORIGINAL)
    throw new PhotoError('original_too_large', { mb: Math.round(MAX_ORIGINAL / 1048576) });
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError('not_image');
  }
  try {
    const gps = keepLocation
      ? readGps(new Uint8Array(await file.slice(0, EXIF_WINDOW).arrayBuffer()))
      : null;
    const blob = await encode(bitmap, MAX_EDGE, QUALITY);
    if (blob.size > LOCAL_CAP)
      throw new PhotoError('too_large', {
        mb: (blob.size / 1048576).toFixed(1),
        max: Math.round(LOCAL_CAP / 1048576),
      });
    const thumb = await encode(bitmap, THUMB_EDGE, 0.7);
    const sha256 = hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
    return {
      blob,
      thumb,
      size: blob.size,
      sha256,
      gps,
      width: bitmap.width,
      height: bitmap.height,
    };
  } finally {
    bitmap.close();
  }
}

// Stores the photo, then its fact through the outbox; returns the record.
// The photo goes first: a fact without bytes would wait forever, bytes
// without a fact are removed below.
export async function attach(
  client,
  { targetCol, targetId, caption, keepLocation, photo, takenAt },
) {
  const id = 'ph-' + uuidv7();
  const fields = {
    target_col: targetCol,
    target_id: targetId,
    content_type: 'image/jpeg',
    size: photo.size,
    sha256: photo.sha256,
    keep_location: !!keepLocation,
  };
  if (caption) fields.caption = caption;
  if (client.identity?.member_id) fields.member = client.identity.member_id;
  if (takenAt) fields.taken_at = takenAt;
  if (keepLocation && photo.gps) {
    fields.lat = photo.gps.lat;
    fields.lon = photo.gps.lon;
  }
  const rec = {
    id,
    op: '',
    blob: photo.blob,
    thumb: photo.thumb,
    size: photo.size,
    sha256: photo.sha256,
    caption: caption || '',
    target_col: targetCol,
    target_id: targetId,
    state: 'waiting',
    received: 0,
    code: '',
    reason: '',
    at: Date.now(),
  };
  await store.putPhoto(rec);
  try {
    const op = await client.makeOp('attachments', id, 'add', fields);
    rec.op = op.op;
    await store.updatePhoto(id, { op: op.op });
  } catch (e) {
    await store.deletePhoto(id).catch(() => {});
    throw e;
  }
  return rec;
}

// Removes a photo: still in the outbox, the op goes; already on the server,
// a void fact (synced like any other) takes it off for everyone.
export async function remove(client, id) {
  const rec = await store.getPhoto(id);
  const fact = client.replica.fact('attachments', id);
  const box = rec?.op ? (await store.outbox()).find((x) => x.op === rec.op) : null;
  if (box) await client.discard(rec.op);
  else if (fact) {
    await client.makeOp('attachments', 'ph-' + uuidv7(), 'add', {
      void: true,
      supersedes: id,
      target_col: fact.fields.target_col,
      target_id: fact.fields.target_id,
      ...(fact.fields.member ? { member: fact.fields.member } : {}),
    });
  }
  await store.deletePhoto(id);
}

const RETRY_MS = 10000;
const RETRY_MAX_MS = 5 * 60 * 1000;

const base = (id) => `/api/v1/sync/attachments/${encodeURIComponent(id)}`;

// "Photos only on Wi-Fi or a good network" (docs/pwa.md, "Photos"): offered
// only where the Network Information API exists (Chromium, Android's
// WebView); elsewhere photos go on any network, as before.
export const networkInfo = () => globalThis.navigator?.connection || null;

// A network good enough for photos: Wi-Fi or wired when the browser names
// the link's type (Android), else an effective type of 4g without Data
// Saver (desktop Chromium names no type). Without the API: true.
export function goodNetwork(c = networkInfo()) {
  if (!c) return true;
  if (c.type && c.type !== 'unknown') return ['wifi', 'ethernet', 'wimax'].includes(c.type);
  return c.effectiveType === '4g' && !c.saveData;
}

// The user's choice, stored with the phone's settings (meta).
export async function wifiOnly() {
  return !!networkInfo() && !!(await store.getMeta('photosWifiOnly'));
}
export async function setWifiOnly(on) {
  await store.setMeta('photosWifiOnly', !!on);
}

// The upload states: waiting (fact not acknowledged yet, or offline),
// sending (received of size bytes on the server), sent, refused (code and
// the server's reason). Emits "photo" events with the record as detail.
export class Uploader extends EventTarget {
  constructor(client) {
    super();
    this.client = client;
    this.running = null;
    this.again = false;
    this.timer = null;
    this.delay = 0;
    // The chunk size, adapted to each chunk's measured throughput.
    this.chunk = CHUNK_START;
    // A link that changes (Wi-Fi found, 4g back) may let waiting photos go.
    networkInfo()?.addEventListener?.('change', () => this.kick());
  }

  // Runs once now (or once more after the current run). A run that stopped
  // on a lost connection or a server error tries again by itself, after
  // 10 s, 20 s... up to 5 min, so an upload resumes even when no sync or
  // "online" event comes to start it.
  kick() {
    if (!this.client.identity) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = this.#run()
      .catch(() => 'retry')
      .then((r) => {
        this.delay = r === 'retry' ? Math.min(RETRY_MAX_MS, Math.max(RETRY_MS, this.delay * 2)) : 0;
        if (this.delay) this.timer = setTimeout(() => this.kick(), this.delay);
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
    return this.running;
  }

  // A refused photo sent again from the start of its state machine.
  async retry(id) {
    await this.#set(id, { state: 'waiting', code: '', reason: '', tries: 0 });
    return this.kick();
  }

  async #set(id, changes) {
    const rec = await store.updatePhoto(id, changes);
    if (rec) this.dispatchEvent(new CustomEvent('photo', { detail: rec }));
    return rec;
  }

  async #run() {
    const box = new Map((await store.outbox()).map((x) => [x.op, x]));
    const quarantined = (await store.getMeta('quarantined')) || {};
    // First what the outbox says, for every photo (no network needed), so
    // a refusal shows even when the uploads below stop on a lost connection.
    const ready = [];
    for (const p of await store.allPhotos()) {
      if (p.state === 'sent' || p.state === 'refused') continue;
      const item = box.get(p.op);
      if (item?.status === 'rejected') {
        // The server refused the fact itself (e.g. attachment_too_large).
        await this.#set(p.id, {
          state: 'refused',
          code: item.code || '',
          reason: item.reason || '',
          by: 'push',
        });
      } else if (item || !p.op || quarantined[p.op] !== undefined) {
        if (p.state !== 'waiting') await this.#set(p.id, { state: 'waiting' });
      } else ready.push(p);
    }
    // The user keeps photos for Wi-Fi: they wait, said so, until the link
    // changes (the "change" event kicks the uploader again).
    if (ready.length && (await wifiOnly()) && !goodNetwork()) {
      for (const p of ready) if (!p.network) await this.#set(p.id, { network: true });
      return 'ok';
    }
    let retry = false;
    for (const p of ready) {
      if (p.network) await this.#set(p.id, { network: false });
      const r = await this.#one(p);
      if (r === 'offline') return 'retry';
      if (r === 'paused') return 'ok'; // the next "synced" event starts again
      if (r === 'retry') retry = true;
    }
    return retry ? 'retry' : 'ok';
  }

  // Readings first (docs/pwa.md, "Photos"): while ops other than photos'
  // facts wait in the outbox, or a sync runs, no chunk takes the link.
  async #readingsWaiting() {
    if (this.client.status?.running) return true;
    return (await store.outbox()).some(
      (x) => x.status !== 'rejected' && x.body?.col !== 'attachments',
    );
  }

  async #one(p) {
    const id = this.client.identity;
    let received;
    try {
      const st = await request(id, 'GET', `${base(p.id)}/status`);
      if (st.complete) return this.#done(p);
      if (st.refused)
        return this.#set(p.id, {
          state: 'refused',
          code: st.refused,
          reason: st.reason || st.message || '',
          offline: false,
        });
      received = st.received || 0;
    } catch (e) {
      return this.#failed(p, e);
    }
    if (!p.blob) return this.#set(p.id, { state: 'refused', code: 'local_missing', reason: '' });
    let restarts = 0;
    await this.#set(p.id, { state: 'sending', received, offline: false, error: '' });
    for (let guard = 0; guard < 10000; guard++) {
      if (await this.#readingsWaiting()) return 'paused';
      const r = nextRange(received, p.size, this.chunk);
      if (!r) return this.#set(p.id, { state: 'waiting' }); // the server has all but did not say complete: ask again next time
      const bytes = new Uint8Array(await p.blob.slice(r.start, r.end + 1).arrayBuffer());
      let res;
      const t0 = performance.now();
      try {
        res = await request(id, 'PUT', base(p.id), {
          raw: bytes,
          headers: { 'Content-Range': r.header },
          timeoutMs: 60000,
        });
        this.chunk = adaptChunk(this.chunk, {
          ok: true,
          bytes: bytes.length,
          ms: performance.now() - t0,
        });
      } catch (e) {
        // A lost or timed-out chunk: the next one is smaller, so less is lost.
        if (e instanceof NetworkError) this.chunk = adaptChunk(this.chunk, { ok: false });
        if (e instanceof ApiError && e.code === 'offset_mismatch') {
          const at = e.body?.received ?? e.body?.error?.received;
          if (Number.isInteger(at) && at !== received) {
            received = at; // the server is elsewhere: go on from there
            continue;
          }
        }
        if (e instanceof ApiError && e.code === 'checksum_mismatch' && restarts++ < 1) {
          received = 0; // the server dropped what it had; once more from 0
          continue;
        }
        return this.#failed(p, e);
      }
      received = res.received;
      if (res.complete) return this.#done(p);
      await this.#set(p.id, { state: 'sending', received });
    }
    return null;
  }

  // Complete on the server: the full-size bytes go, the thumbnail stays.
  async #done(p) {
    return this.#set(p.id, {
      state: 'sent',
      received: p.size,
      blob: null,
      code: '',
      reason: '',
      offline: false,
      error: '',
    });
  }

  async #failed(p, e) {
    if (e instanceof NetworkError) {
      const cur = await store.getPhoto(p.id);
      await this.#set(p.id, { state: cur?.received > 0 ? 'sending' : 'waiting', offline: true });
      return 'offline';
    }
    if (e instanceof ApiError) {
      if (e.status === 404 && e.code === 'attachment_unknown')
        return this.#set(p.id, { state: 'waiting' });
      if ([413, 415, 422].includes(e.status))
        return this.#set(p.id, { state: 'refused', code: e.code, reason: e.message });
    }
    // Anything else (a busy or failing server, a session to renew): try again later.
    await this.#set(p.id, { error: String(e?.message || e) });
    return 'retry';
  }
}

// A photo of another device (or one whose bytes left this phone), from the
// server as an object URL; null offline. Cached for the session, and so is
// the request while it runs: Ma journée re-renders on every change (each op
// made offline, each sync), and each render used to fetch the same photo
// again while the first fetch was on its way, 280 KiB on EDGE during one sync
// (bench/README.md, "Weak link"). A failure is forgotten, so a later render
// tries again.
const urls = new Map(); // id -> Promise of the object URL or null
export function serverImageUrl(identity, id) {
  let url = urls.get(id);
  if (url) return url;
  url = request(
    identity,
    'GET',
    `/api/v1/productions/${encodeURIComponent(identity.production_id)}/attachments/${encodeURIComponent(id)}`,
    { blob: true },
  ).then(
    (blob) => URL.createObjectURL(blob),
    () => {
      urls.delete(id);
      return null;
    },
  );
  urls.set(id, url);
  return url;
}
