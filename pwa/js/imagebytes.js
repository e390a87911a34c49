// imagebytes.js - pure helpers on photo bytes, shared by the phone and the
// node tests (tests/js/imagebytes.test.mjs): where the EXIF block of a JPEG,
// PNG or WebP file is, the GPS position it holds, the image type from the
// magic bytes, the chunks of a resumable upload and hex digests.
//
// A GPS reader of our own rather than an npm EXIF library: the only one that
// loads as a plain ES module without a bundler (exifr's mini build) weighs
// 29 KB, a tenth of the app shell's budget, to read four tags. Every read
// below is bounds-checked, so a truncated or hostile file yields null, never
// an exception or a position read from the wrong bytes.

export const CHUNK = 256 * 1024;
// The adaptive chunk's bounds and its first size: a chunk on EDGE
// (about 25 KB/s) should take seconds, not the ten of a 256 KiB one that a
// dropped connection would lose whole.
export const CHUNK_MIN = 32 * 1024;
export const CHUNK_START = 64 * 1024;
// What one chunk should take: long enough that the request's round trip
// (840 ms on EDGE) is a small part of it, short enough to lose little.
export const CHUNK_TARGET_MS = 4000;

const ascii = (b, at, n) =>
  at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : '';

// 'image/jpeg' | 'image/png' | 'image/webp' | null, from the first bytes.
export function sniffType(b) {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

// The TIFF structure ("II*\0" or "MM\0*"...) of the file's EXIF, as a
// subarray, or null. JPEG: the APP1 "Exif\0\0" segment before the scan; PNG:
// the eXIf chunk; WebP: the EXIF chunk of the RIFF container.
export function exifBlock(b) {
  const type = sniffType(b);
  if (type === 'image/jpeg') {
    let p = 2;
    while (p + 4 <= b.length) {
      if (b[p] !== 0xff) return null;
      const m = b[p + 1];
      if (m === 0xff) {
        p += 1; // fill byte
        continue;
      }
      if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        p += 2; // markers without a length
        continue;
      }
      if (m === 0xda || m === 0xd9) return null; // image data: no metadata after this
      const len = (b[p + 2] << 8) | b[p + 3];
      if (len < 2 || p + 2 + len > b.length) return null;
      if (m === 0xe1 && len >= 16 && ascii(b, p + 4, 6) === 'Exif\0\0')
        return b.subarray(p + 10, p + 2 + len);
      p += 2 + len;
    }
    return null;
  }
  if (type === 'image/png') {
    let p = 8;
    while (p + 12 <= b.length) {
      const len = ((b[p] << 24) >>> 0) + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
      const kind = ascii(b, p + 4, 4);
      if (p + 12 + len > b.length) return null;
      if (kind === 'eXIf') return b.subarray(p + 8, p + 8 + len);
      if (kind === 'IDAT' || kind === 'IEND') return null;
      p += 12 + len;
    }
    return null;
  }
  if (type === 'image/webp') {
    let p = 12;
    while (p + 8 <= b.length) {
      const kind = ascii(b, p, 4);
      const len = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16)) + ((b[p + 7] << 24) >>> 0);
      if (p + 8 + len > b.length) return null;
      if (kind === 'EXIF') {
        const d = b.subarray(p + 8, p + 8 + len);
        // Some encoders keep JPEG's "Exif\0\0" prefix inside the chunk.
        return ascii(d, 0, 6) === 'Exif\0\0' ? d.subarray(6) : d;
      }
      p += 8 + len + (len & 1);
    }
    return null;
  }
  return null;
}

const GPS_IFD = 0x8825;
const RATIONAL = 5;
const ASCII = 2;
const LONG = 4;

// {lat, lon} in decimal degrees (south and west negative) from the EXIF GPS
// tags of the file's first bytes, or null when there is none or it is broken.
export function readGps(bytes) {
  const t = exifBlock(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  if (!t || t.length < 8) return null;
  let le;
  if (t[0] === 0x49 && t[1] === 0x49) le = true;
  else if (t[0] === 0x4d && t[1] === 0x4d) le = false;
  else return null;
  const dv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const u16 = (o) => (o >= 0 && o + 2 <= t.length ? dv.getUint16(o, le) : -1);
  const u32 = (o) => (o >= 0 && o + 4 <= t.length ? dv.getUint32(o, le) : -1);
  if (u16(2) !== 42) return null;
  // The entries of the IFD at offset ifd: tag -> {type, count, at}, where
  // at is where the value is (inline when it fits in 4 bytes).
  const entries = (ifd) => {
    const n = u16(ifd);
    if (n < 0 || n > 1000 || ifd + 2 + n * 12 > t.length) return null;
    const out = new Map();
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 }[type] || 0;
      out.set(u16(e), { type, count, at: size * count <= 4 ? e + 8 : u32(e + 8) });
    }
    return out;
  };
  const ifd0 = entries(u32(4));
  const ptr = ifd0?.get(GPS_IFD);
  if (!ptr || ptr.type !== LONG || ptr.count !== 1) return null;
  const gps = entries(u32(ptr.at));
  if (!gps) return null;
  const ref = (tag) => {
    const e = gps.get(tag);
    return e && e.type === ASCII && e.count >= 1 ? ascii(t, e.at, 1) : '';
  };
  const dms = (tag) => {
    const e = gps.get(tag);
    if (!e || e.type !== RATIONAL || e.count !== 3 || e.at < 0 || e.at + 24 > t.length) return NaN;
    let v = 0;
    for (let i = 0; i < 3; i++) {
      const num = u32(e.at + 8 * i);
      const den = u32(e.at + 8 * i + 4);
      if (den <= 0) return NaN;
      v += num / den / 60 ** i;
    }
    return v;
  };
  const latRef = ref(1);
  const lonRef = ref(3);
  let lat = dms(2);
  let lon = dms(4);
  if (!['N', 'S'].includes(latRef) || !['E', 'W'].includes(lonRef)) return null;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || lat > 90 || lon > 180) return null;
  if (latRef === 'S') lat = -lat;
  if (lonRef === 'W') lon = -lon;
  // About 10 cm: more digits would only pretend to a precision phones lack.
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

// The next chunk to send when the server holds `received` bytes of `size`:
// {start, end (inclusive), total, header: the Content-Range value}, or null
// when everything was received.
export function nextRange(received, size, chunk = CHUNK) {
  if (!Number.isInteger(received) || !Number.isInteger(size) || received < 0 || received >= size)
    return null;
  const end = Math.min(size, received + chunk) - 1;
  return { start: received, end, total: size, header: `bytes ${received}-${end}/${size}` };
}

// The chunk size after one chunk of `bytes` sent in `ms` (ok) or lost
// (!ok: an error or a timeout). Success sizes the chunk to what the measured
// throughput sends in CHUNK_TARGET_MS, at most twice the last one (one fast
// chunk is not a fast link); a failure halves it. Always a multiple of
// CHUNK_MIN between CHUNK_MIN and CHUNK.
export function adaptChunk(chunk, { ok, bytes = 0, ms = 0 }) {
  const clamp = (n) => Math.min(CHUNK, Math.max(CHUNK_MIN, Math.floor(n / CHUNK_MIN) * CHUNK_MIN));
  const cur = clamp(Number.isFinite(chunk) ? chunk : CHUNK_START);
  if (!ok) return clamp(cur / 2);
  if (!(bytes > 0) || !(ms >= 0)) return cur;
  const fit = (bytes / Math.max(ms, 1)) * CHUNK_TARGET_MS;
  return clamp(Math.min(fit, cur * 2));
}

// Every chunk of a size-byte upload, in order.
export function ranges(size, chunk = CHUNK) {
  const out = [];
  for (let r = nextRange(0, size, chunk); r; r = nextRange(r.end + 1, size, chunk)) out.push(r);
  return out;
}

export function hex(buf) {
  return [...new Uint8Array(buf)].map((x) => x.toString(16).padStart(2, '0')).join('');
}
