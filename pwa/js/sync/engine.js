// engine.js - the merge rules of docs/sync-protocol.md (section 2), the
// clocks (section 3) and the op ids, in pure JS with no I/O, so the same file
// runs in the browser and under node --test. The clocks and ids were files of
// their own (hlc.js, ids.js), always loaded with this one: one file is one
// request less on every first visit over a weak link (docs/pwa.md, "Loading").
//
// A replica is a set of ops. Everything here is a function of that set, not of
// the order ops arrive in: applying the same op twice, or ops in any order,
// yields the same state as the C engine (sync/merge.c, sync/state.c).
//
//  - records (kind "put"): each field keeps every version (op, hlc, dev,
//    value); an op's base[field] says which versions it supersedes. A leaf is
//    a version nobody supersedes; the value is the greatest leaf by
//    (hlc, dev, op); other leaves holding another value are open conflicts.
//    If hostile bases supersede every version, the greatest version wins.
//  - facts (kind "add"): immutable; "supersedes" names the fact corrected or
//    voided; a fact is current when nothing supersedes it and it is no void.

export const PROTOCOL = 1;

// Ids: docs/sync-protocol.md §2, the same rule as sync/util/ids.c.
const ID_RE = /^[A-Za-z0-9_.:~-]{1,64}$/;
const FIELD_RE = /^[a-z_][a-z0-9_]{0,31}$/;
const HLC_RE = /^[0-9a-f]{12}-[0-9a-f]{4}$/;

// Canonical JSON (docs/sync-protocol.md §2.5): sorted keys, no spaces, and
// JSON.stringify's numbers (ECMAScript Number::toString: 5.0 -> 5, -0 -> 0,
// 1e21 -> 1e+21), which the C engine writes the same way (sync/engine/canon.c).
export function canon(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(canon).join(',') + ']';
  return (
    '{' +
    Object.keys(value)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canon(value[k]))
      .join(',') +
    '}'
  );
}

function cmpStr(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Version order: (hlc, dev, op), compared as strings.
export function cmpVersion(a, b) {
  return cmpStr(a.hlc, b.hlc) || cmpStr(a.dev, b.dev) || cmpStr(a.op, b.op);
}

// Checks the shape of an op (not the collection's field spec: the server does
// that). Returns null when valid, else a reason.
export function checkOp(op) {
  if (op === null || typeof op !== 'object' || Array.isArray(op)) return 'op is not an object';
  for (const k of Object.keys(op)) {
    if (!['op', 'col', 'id', 'kind', 'hlc', 'dev', 'fields', 'base'].includes(k))
      return `unknown key '${k}'`;
  }
  if (!ID_RE.test(op.op ?? '')) return 'invalid op id';
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(op.col ?? '')) return 'invalid collection';
  if (!ID_RE.test(op.id ?? '')) return 'invalid record id';
  if (op.kind !== 'put' && op.kind !== 'add') return 'kind must be put or add';
  if (!HLC_RE.test(op.hlc ?? '')) return 'invalid clock';
  if (!ID_RE.test(op.dev ?? '')) return 'invalid device';
  const f = op.fields;
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return 'fields must be an object';
  const names = Object.keys(f);
  if (names.length < 1 || names.length > 64) return 'an op sets 1 to 64 fields';
  for (const n of names) if (!FIELD_RE.test(n)) return `invalid field name '${n}'`;
  if (op.base !== undefined) {
    if (op.kind !== 'put') return 'facts have no base';
    if (op.base === null || typeof op.base !== 'object' || Array.isArray(op.base))
      return 'base must be an object';
    for (const [n, ids] of Object.entries(op.base)) {
      if (!(n in f)) return `base names field '${n}' that the op does not set`;
      if (!Array.isArray(ids) || ids.length > 32 || !ids.every((x) => ID_RE.test(x)))
        return `invalid base.${n}`;
    }
  }
  return null;
}

export class Replica {
  constructor() {
    this.ops = new Map(); // op id -> op (every op applied, once)
    this.records = new Map(); // "col/id" -> {col, id, fields: Map name -> FieldGraph}
    this.facts = new Map(); // "col/id" -> {col, id, op, hlc, dev, fields}
    this.supersededBy = new Map(); // "col/id" -> Set of fact ids superseding it
    this.maxHlc = '000000000000-0000';
  }

  // Applies one op. Returns "applied", "duplicate" or throws on a bad op.
  // A fact id already taken by another op is ignored ("collision"), as the
  // server refuses it.
  apply(op) {
    const bad = checkOp(op);
    if (bad) throw new TypeError(`invalid op: ${bad}`);
    if (this.ops.has(op.op)) return 'duplicate';
    const key = op.col + '/' + op.id;
    if (op.kind === 'add') {
      if (this.facts.has(key) || this.records.has(key)) return 'collision';
      this.facts.set(key, {
        col: op.col,
        id: op.id,
        op: op.op,
        hlc: op.hlc,
        dev: op.dev,
        fields: structuredClone(op.fields),
      });
      const sup = op.fields.supersedes;
      if (typeof sup === 'string' && sup !== op.id) {
        const skey = op.col + '/' + sup;
        if (!this.supersededBy.has(skey)) this.supersededBy.set(skey, new Set());
        this.supersededBy.get(skey).add(op.id);
      }
    } else {
      if (this.facts.has(key)) return 'collision';
      let rec = this.records.get(key);
      if (!rec) {
        rec = { col: op.col, id: op.id, fields: new Map() };
        this.records.set(key, rec);
      }
      for (const [name, value] of Object.entries(op.fields)) {
        let g = rec.fields.get(name);
        if (!g) {
          g = { versions: new Map(), seen: new Set() };
          rec.fields.set(name, g);
        }
        g.versions.set(op.op, {
          op: op.op,
          hlc: op.hlc,
          dev: op.dev,
          value: structuredClone(value),
          text: canon(value),
        });
        for (const s of (op.base && op.base[name]) || []) if (s !== op.op) g.seen.add(s);
      }
    }
    this.ops.set(op.op, op);
    if (op.hlc > this.maxHlc) this.maxHlc = op.hlc;
    return 'applied';
  }

  applyAll(ops) {
    let n = 0;
    for (const op of ops) if (this.apply(op) === 'applied') n++;
    return n;
  }

  // The leaves of one field, winner first.
  static leaves(g) {
    const all = [...g.versions.values()].sort((a, b) => cmpVersion(b, a));
    const leaves = all.filter((v) => !g.seen.has(v.op));
    if (leaves.length === 0) return { winner: all[0], leaves: [], losers: [] };
    const winner = leaves[0];
    const losers = leaves.slice(1).filter((v) => v.text !== winner.text);
    return { winner, leaves, losers };
  }

  // One record as the app shows it, or null.
  record(col, id) {
    const rec = this.records.get(col + '/' + id);
    if (!rec) return null;
    const fields = {};
    const heads = {}; // field -> [op ids of its leaves] (the base of an edit)
    const winners = {}; // field -> winning version
    const conflicts = {}; // field -> [losing versions, sorted by op]
    for (const [name, g] of rec.fields) {
      const { winner, leaves, losers } = Replica.leaves(g);
      fields[name] = structuredClone(winner.value);
      winners[name] = {
        op: winner.op,
        hlc: winner.hlc,
        dev: winner.dev,
        value: structuredClone(winner.value),
      };
      heads[name] = leaves.length ? leaves.map((v) => v.op).sort() : [winner.op];
      if (losers.length) {
        conflicts[name] = losers
          .slice()
          .sort((a, b) => cmpStr(a.op, b.op))
          .map((v) => ({ op: v.op, hlc: v.hlc, dev: v.dev, value: structuredClone(v.value) }));
      }
    }
    return { col, id, fields, deleted: fields._deleted === true, conflicts, heads, winners };
  }

  // Every record of a collection (deleted ones too; filter on .deleted).
  listRecords(col) {
    const out = [];
    for (const rec of this.records.values())
      if (rec.col === col) out.push(this.record(col, rec.id));
    return out.sort((a, b) => cmpStr(a.id, b.id));
  }

  fact(col, id) {
    const f = this.facts.get(col + '/' + id);
    if (!f) return null;
    const by = [...(this.supersededBy.get(col + '/' + id) || [])].sort();
    return {
      col,
      id,
      op: f.op,
      hlc: f.hlc,
      dev: f.dev,
      fields: structuredClone(f.fields),
      current: by.length === 0 && f.fields.void !== true,
      superseded_by: by,
    };
  }

  listFacts(col) {
    const out = [];
    for (const f of this.facts.values()) if (f.col === col) out.push(this.fact(col, f.id));
    return out.sort((a, b) => cmpStr(a.hlc, b.hlc) || cmpStr(a.id, b.id));
  }

  // Open conflicts in the server's shape (GET /api/v1/sync/conflicts).
  conflicts() {
    const out = [];
    for (const rec of [...this.records.values()].sort(
      (a, b) => cmpStr(a.col, b.col) || cmpStr(a.id, b.id),
    )) {
      const r = this.record(rec.col, rec.id);
      for (const name of Object.keys(r.conflicts).sort()) {
        for (const v of r.conflicts[name]) {
          out.push({
            col: r.col,
            id: r.id,
            field: name,
            value: v.value,
            hlc: v.hlc,
            dev: v.dev,
            op: v.op,
            winner: r.winners[name],
          });
        }
      }
    }
    return out;
  }

  // The canonical dump the shared vectors compare (docs/sync-protocol.md §9).
  state() {
    const records = {};
    const facts = {};
    for (const key of [...this.records.keys()].sort()) {
      const rec = this.records.get(key);
      const r = this.record(rec.col, rec.id);
      const conflicts = {};
      for (const [name, list] of Object.entries(r.conflicts))
        conflicts[name] = list.map((v) => v.value);
      records[key] = { fields: r.fields, deleted: r.deleted, conflicts };
    }
    for (const key of [...this.facts.keys()].sort()) {
      const f = this.facts.get(key);
      const x = this.fact(f.col, f.id);
      facts[key] = { fields: x.fields, current: x.current, superseded_by: x.superseded_by };
    }
    return { records, facts };
  }
}

// ---- clocks (docs/sync-protocol.md §3) -------------------------------------
// Hybrid logical clocks: a clock is written TTTTTTTTTTTT-CCCC (48 bits of Unix
// ms, 16-bit counter, lowercase hex), so string order is clock order.

const MS_MASK = (1n << 48n) - 1n;
const ZERO = '000000000000-0000';
const HLC_TEXT_RE = /^[0-9a-f]{12}-[0-9a-f]{4}$/;

function hlcIsValid(text) {
  return typeof text === 'string' && HLC_TEXT_RE.test(text);
}

function hlcParse(text) {
  if (!hlcIsValid(text)) throw new TypeError(`invalid clock '${text}'`);
  return (BigInt('0x' + text.slice(0, 12)) << 16n) | BigInt('0x' + text.slice(13));
}

function hlcFormat(value) {
  const ms = (value >> 16n) & MS_MASK;
  const c = value & 0xffffn;
  return ms.toString(16).padStart(12, '0') + '-' + c.toString(16).padStart(4, '0');
}

function hlcMs(text) {
  return Number(hlcParse(text) >> 16n);
}

// next = max(now_ms << 16, last + 1): strictly after last, even if the wall
// clock went backwards; the counter carries into the milliseconds when full.
function hlcTick(last, nowMs) {
  const l = hlcParse(last || ZERO);
  const phys = (BigInt(Math.max(0, Math.floor(nowMs))) & MS_MASK) << 16n;
  return hlcFormat(phys > l ? phys : l + 1n);
}

// On every pull: last = max(last, seen), so the next op sorts after it.
function hlcObserve(last, seen) {
  if (!hlcIsValid(seen)) return last || ZERO;
  const l = last || ZERO;
  return seen > l ? seen : l;
}

// The clock functions as one namespace: hlc.tick(last, now), hlc.observe(...).
export const hlc = {
  ZERO,
  isValid: hlcIsValid,
  parse: hlcParse,
  format: hlcFormat,
  ms: hlcMs,
  tick: hlcTick,
  observe: hlcObserve,
};

// ---- ids -------------------------------------------------------------------
// Record and op ids: UUID version 7 (RFC 9562 §5.7).
//
// Why not crypto.randomUUID() (version 4): the server keeps op ids and
// record ids in B-tree indexes (sync_op.op_id, sync_fact/sync_record keys).
// Random keys land on a random leaf page each, so a push of 100 readings
// dirties about 100 pages per index, each written to the WAL and then to the
// database. A version 7 id starts with the creation time in milliseconds, so
// ids made at about the same time sort together and inserts touch the
// right-hand edge of the index (bench/README.md has the figures). The other
// 74 bits are random, so ids stay unguessable and collision-free; the time
// they reveal is already in every op's hlc.

// Returns a lowercase UUIDv7 string. now: Unix milliseconds (for tests).
export function uuidv7(now = Date.now()) {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (b[6] & 0x0f); // version 7
  b[8] = 0x80 | (b[8] & 0x3f); // variant 10
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The time a version 7 id was made (Unix ms), or null for another version.
export function uuidv7Time(id) {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.exec(id);
  return m ? parseInt(m[1] + m[2], 16) : null;
}
