// client.js - the sync client: a Replica (engine.js) fed from IndexedDB,
// local ops through the outbox, push then pull (docs/sync-protocol.md §4-5).
// Runs at start, on `online`, when the page becomes visible, every few
// minutes and from the "Synchroniser" button; emits "change" and "status".
import { Replica, PROTOCOL, hlc, uuidv7 } from './engine.js';
import * as store from '../store.js';
import { request, ApiError, NetworkError } from '../store.js';
import { setCatalogue } from '../indicators.js';

const PUSH_BATCH = 200;
const PERIOD_MS = 5 * 60 * 1000;

export class SyncClient extends EventTarget {
  constructor() {
    super();
    this.replica = new Replica();
    this.identity = null;
    this.status = {
      running: false,
      pending: 0,
      rejected: 0,
      lastSync: 0,
      error: '',
      online: navigator.onLine,
      quarantined: {},
    };
    this.running = null;
    this.timer = null;
    // The tabs of one browser share the store and, for the server, one
    // replica (the phone, or the office session): a pull with own=0 does not
    // bring one tab the ops another tab made, so each tab tells the others
    // (docs/sync-protocol.md §5).
    this.tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel('ep-ops') : null;
    this.tabs?.addEventListener('message', (e) => this.#fromTab(e.data));
  }

  // An op another tab of this browser made (and stored): apply it here too.
  async #fromTab(op) {
    if (!op || op.dev !== this.device) return;
    try {
      if (this.replica.apply(op) !== 'applied') return;
    } catch {
      return;
    }
    await this.refresh();
    this.emit('change');
  }

  async load() {
    this.identity = (await store.getMeta('identity')) || null;
    this.replica = new Replica();
    for (const op of await store.allOps()) {
      try {
        this.replica.apply(op);
      } catch {
        /* an op this version cannot read: kept in the store, ignored */
      }
    }
    setCatalogue(await store.getMeta('catalogue'));
    this.status.lastSync = (await store.getMeta('lastSync')) || 0;
    this.status.error = (await store.getMeta('lastError')) || '';
    await this.refresh();
  }

  async refresh() {
    const box = await store.outbox();
    this.status.pending = box.filter((x) => x.status === 'pending').length;
    this.status.rejected = box.filter((x) => x.status === 'rejected').length;
    this.status.outbox = new Map(box.map((x) => [x.op, x]));
    this.status.quarantined = (await store.getMeta('quarantined')) || {};
    this.status.conflicts = this.replica.conflicts().length;
    this.emit('status');
  }

  emit(type) {
    this.dispatchEvent(new Event(type));
  }

  get device() {
    return this.identity?.device_id || '';
  }

  // Makes, stores and applies a local op; returns it. Throws on a full disk
  // (QuotaExceededError): nothing is half-written.
  async makeOp(col, id, kind, fields, base) {
    const op = {
      op: uuidv7(),
      col,
      id,
      kind,
      hlc: await store.nextHlc(hlc.tick),
      dev: this.device,
      fields,
    };
    if (base && Object.keys(base).length) op.base = base;
    await store.addLocalOp(op);
    this.replica.apply(op);
    this.tabs?.postMessage(op);
    await this.refresh();
    this.emit('change');
    this.soon();
    return op;
  }

  async discard(opId) {
    await store.discardLocalOp(opId);
    await this.load();
    this.emit('change');
  }

  soon() {
    clearTimeout(this.soonTimer);
    this.soonTimer = setTimeout(() => this.sync('soon'), 1500);
  }

  start() {
    addEventListener('online', () => {
      this.status.online = true;
      this.sync('online');
    });
    addEventListener('offline', () => {
      this.status.online = false;
      this.emit('status');
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.sync('visible');
    });
    this.timer = setInterval(() => this.sync('timer'), PERIOD_MS);
    return this.sync('start');
  }

  sync(reason = 'button') {
    if (!this.identity) return Promise.resolve(false);
    // An office account with no production yet (right after setup) has
    // nothing to sync until it creates or opens one.
    if (this.identity.kind === 'office' && !this.identity.production_id)
      return Promise.resolve(false);
    if (this.running) return this.running;
    this.running = this.#run(reason).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async #run() {
    this.status.running = true;
    this.emit('status');
    let ok = false;
    let changed = false;
    try {
      const acked = await this.#push();
      this.requeued = 0;
      changed = (await this.#pull()) || acked > 0;
      // A restored server asked for everything again: give it now.
      if (this.requeued > 0) await this.#push();
      await this.#catalogue();
      this.status.lastSync = Date.now();
      this.status.error = '';
      this.status.online = true;
      await store.setMeta('lastSync', this.status.lastSync);
      ok = true;
      // Photos upload after their facts were acknowledged (attach.js), on
      // their own: a slow or refused upload never holds up push and pull.
      queueMicrotask(() => this.emit('synced'));
    } catch (e) {
      if (e instanceof NetworkError) {
        this.status.online = false;
        this.status.error = 'unreachable';
      } else if (e instanceof ApiError && e.code === 'production_archived') {
        // Frozen production: the outbox was not touched (ackOutbox runs only
        // on a 200), so every queued entry stays, shown as pending.
        this.status.error = 'archived';
      } else if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        this.status.error = this.identity?.kind === 'office' ? 'session' : 'auth';
        this.status.errorDetail = e.message;
      } else if (e?.name === 'QuotaExceededError') {
        this.status.error = 'full';
      } else {
        this.status.error = e?.message || String(e);
      }
    } finally {
      this.status.running = false;
      await store.setMeta('lastError', this.status.error).catch(() => {});
      await this.refresh();
      if (changed) this.emit('change');
    }
    return ok;
  }

  // Returns how many ops the server acknowledged.
  async #push() {
    let acked = 0;
    for (let round = 0; round < 50; round++) {
      const batch = (await store.outbox())
        .filter((x) => x.status === 'pending')
        .slice(0, PUSH_BATCH);
      if (!batch.length) return acked;
      const res = await request(this.identity, 'POST', '/api/v1/sync/push', {
        body: { schema: PROTOCOL, device: this.device, ops: batch.map((x) => x.body) },
        gzip: true,
      });
      if (res?.hlc) await store.setMeta('hlc', hlc.observe(await store.getMeta('hlc'), res.hlc));
      await store.ackOutbox(res.results || []);
      acked += (res.results || []).length;
      if ((res.results || []).every((r) => r.status === 'rejected')) return acked;
    }
    return acked;
  }

  // The server's indicator catalogue, refreshed at most every 6 hours.
  async #catalogue() {
    const at = (await store.getMeta('catalogueAt')) || 0;
    if (Date.now() - at < 6 * 3600 * 1000) return;
    try {
      const res = await request(this.identity, 'GET', '/api/v1/indicators');
      if (Array.isArray(res?.indicators) && res.indicators.length) {
        await store.setMeta('catalogue', res.indicators);
        await store.setMeta('catalogueAt', Date.now());
        setCatalogue(res.indicators);
      }
    } catch {
      /* older server or offline: keep the copy we have */
    }
  }

  async #pull() {
    let changed = false;
    let resets = 0;
    for (let page = 0; page < 200; page++) {
      const cursor = (await store.getMeta('cursor')) || '';
      let res;
      try {
        // own=0: this replica applied every op it made when it made it
        // (makeOp, and the other tabs' through this.tabs), so the server
        // need not send back the ops it pushed; those the server made under
        // this device id still come, phone or office browser. Only once a
        // catch-up has ended here: a replica that starts over (a phone
        // restored with its keys but not its data) must get back the ops it
        // made before, on every page (docs/sync-protocol.md §5).
        const query = { schema: String(PROTOCOL), cursor, limit: '500' };
        if (cursor && (await store.getMeta('holdsOwn'))) query.own = '0';
        res = await request(this.identity, 'GET', '/api/v1/sync/pull', { query });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'cursor_foreign' && resets++ < 1) {
          // Another database answers (a restore): start over, and offer it
          // back everything this phone made (docs/sync-protocol.md §5).
          await store.setMeta('cursor', '');
          this.requeued = await store.requeueOwn(this.device);
          continue;
        }
        throw e;
      }
      const ops = res.ops || [];
      for (const op of ops) {
        try {
          if (this.replica.apply(op) === 'applied') changed = true;
        } catch {
          /* malformed op from the server: skip it */
        }
      }
      await store.savePage(ops, res.cursor ?? cursor, res.hlc);
      if (!res.more) {
        if (!(await store.getMeta('holdsOwn'))) await store.setMeta('holdsOwn', true);
        break;
      }
    }
    return changed;
  }
}
