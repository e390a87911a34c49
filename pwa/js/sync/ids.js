// ids.js - record and op ids: UUID version 7 (RFC 9562 §5.7).
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
