// The photo helpers of pwa/js/imagebytes.js: the EXIF GPS reader on JPEG,
// PNG and WebP containers in both byte orders, on broken and hostile
// metadata (null, never an exception or a wrong position), and the chunk
// ranges of the resumable upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readGps,
  exifBlock,
  sniffType,
  nextRange,
  ranges,
  hex,
  CHUNK,
  CHUNK_MIN,
  CHUNK_START,
  CHUNK_TARGET_MS,
  adaptChunk,
} from '../../pwa/js/imagebytes.js';
import { gpsTiff, app1, splice } from './exif-fixture.mjs';

// A minimal JPEG: SOI, an APP0 (JFIF), SOS, some data, EOI. The reader stops
// at SOS, so the scan data need not be a real image.
const JFIF = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xda,
  0, 2, 1, 2, 3, 0xff, 0xd9,
]);
const LOUE = { lat: 47.0641, lon: 6.1267 }; // Ornans, on the Loue

function near(got, want) {
  assert.ok(got, 'a position was read');
  assert.ok(Math.abs(got.lat - want.lat) < 1e-5, `lat ${got.lat} vs ${want.lat}`);
  assert.ok(Math.abs(got.lon - want.lon) < 1e-5, `lon ${got.lon} vs ${want.lon}`);
}

test('GPS from a JPEG APP1 Exif segment, both byte orders and every hemisphere', () => {
  for (const littleEndian of [true, false]) {
    for (const [lat, lon] of [
      [LOUE.lat, LOUE.lon],
      [-33.8568, 151.2153],
      [40.6892, -74.0445],
      [-22.9519, -43.2105],
    ]) {
      const jpeg = splice(JFIF, app1(gpsTiff({ lat, lon, littleEndian })));
      near(readGps(jpeg), { lat, lon });
    }
  }
});

test('the Exif segment is found after other APP segments, not inside the image data', () => {
  const xmp = new Uint8Array([0xff, 0xe1, 0, 8, 0x68, 0x74, 0x74, 0x70, 0x3a, 0x2f]); // an APP1 that is not Exif
  const withBoth = splice(splice(JFIF, app1(gpsTiff(LOUE))), xmp);
  near(readGps(withBoth), LOUE);
  // The same bytes after SOS are image data, not metadata.
  const afterScan = new Uint8Array([
    ...JFIF.subarray(0, JFIF.length - 2),
    ...app1(gpsTiff(LOUE)),
    0xff,
    0xd9,
  ]);
  assert.equal(readGps(afterScan), null);
});

test('no GPS: a plain JPEG, a non-image, empty bytes', () => {
  assert.equal(readGps(JFIF), null);
  assert.equal(readGps(new TextEncoder().encode('%PDF-1.7 not an image')), null);
  assert.equal(readGps(new Uint8Array(0)), null);
  assert.equal(sniffType(new TextEncoder().encode('hello')), null);
  assert.equal(sniffType(JFIF), 'image/jpeg');
});

test('broken or hostile metadata gives null, never a throw or a wrong value', () => {
  const good = splice(JFIF, app1(gpsTiff(LOUE)));
  // Every truncation inside the metadata (SOI + the 138-byte segment).
  for (let n = 0; n < 140; n++)
    assert.equal(readGps(good.subarray(0, n)), null, `truncated at ${n}`);
  // Every single byte of the metadata set to 0xff or 0, one at a time:
  // never a throw, and any position read is a possible one.
  for (let i = 2; i < 140; i++) {
    for (const v of [0xff, 0]) {
      const bad = good.slice();
      bad[i] = v;
      const got = readGps(bad);
      if (got !== null)
        assert.ok(
          Math.abs(got.lon) <= 180 && Math.abs(got.lat) <= 90,
          `byte ${i}: ${JSON.stringify(got)}`,
        );
    }
  }
  // A zero denominator, a GPS pointer past the end, a huge entry count.
  const tiff = gpsTiff(LOUE);
  const dv = new DataView(tiff.buffer);
  const zero = tiff.slice();
  new DataView(zero.buffer).setUint32(84, 0, true);
  assert.equal(readGps(splice(JFIF, app1(zero))), null);
  const far = tiff.slice();
  new DataView(far.buffer).setUint32(18, 100000, true);
  assert.equal(readGps(splice(JFIF, app1(far))), null);
  const many = tiff.slice();
  new DataView(many.buffer).setUint16(26, 65535, true);
  assert.equal(readGps(splice(JFIF, app1(many))), null);
  const noRef = tiff.slice();
  noRef[36] = 0x58; // 'X' instead of 'N'
  assert.equal(readGps(splice(JFIF, app1(noRef))), null);
  assert.equal(dv.getUint16(2, true), 42);
});

test('GPS in PNG eXIf and WebP EXIF chunks', () => {
  const tiff = gpsTiff(LOUE);
  const chunk = (type, data) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    return out; // CRC left 0: the reader does not need it
  };
  const png = new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', new Uint8Array(13)),
    ...chunk('eXIf', tiff),
    ...chunk('IEND', new Uint8Array(0)),
  ]);
  assert.equal(sniffType(png), 'image/png');
  near(readGps(png), LOUE);
  const riff = (type, data) => {
    const out = new Uint8Array(8 + data.length + (data.length & 1));
    out.set(new TextEncoder().encode(type), 0);
    new DataView(out.buffer).setUint32(4, data.length, true);
    out.set(data, 8);
    return out;
  };
  const body = [
    ...new TextEncoder().encode('WEBP'),
    ...riff('VP8X', new Uint8Array(10)),
    ...riff('EXIF', tiff),
  ];
  const webp = new Uint8Array([...new TextEncoder().encode('RIFF'), 0, 0, 0, 0, ...body]);
  new DataView(webp.buffer).setUint32(4, body.length, true);
  assert.equal(sniffType(webp), 'image/webp');
  near(readGps(webp), LOUE);
  assert.ok(exifBlock(webp));
});

test('chunk ranges cover the upload exactly once, resuming anywhere', () => {
  assert.equal(CHUNK, 262144);
  for (const size of [1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17]) {
    const list = ranges(size);
    assert.equal(list.length, Math.ceil(size / CHUNK));
    assert.equal(list[0].start, 0);
    assert.equal(list.at(-1).end, size - 1);
    for (let i = 1; i < list.length; i++) assert.equal(list[i].start, list[i - 1].end + 1);
    for (const r of list) assert.equal(r.header, `bytes ${r.start}-${r.end}/${size}`);
  }
  assert.deepEqual(nextRange(300000, 700000), {
    start: 300000,
    end: 562143,
    total: 700000,
    header: 'bytes 300000-562143/700000',
  });
  assert.equal(nextRange(700000, 700000), null);
  assert.equal(nextRange(-1, 10), null);
  assert.equal(nextRange(0, 0), null);
  assert.equal(nextRange(1.5, 10), null);
  assert.equal(nextRange(0, 10, 4).header, 'bytes 0-3/10');
});

test('hex digests', () => {
  assert.equal(hex(new Uint8Array([0, 15, 255])), '000fff');
});

test('the chunk grows with the measured throughput and shrinks on a loss', () => {
  assert.equal(CHUNK_MIN, 32768);
  assert.equal(CHUNK_START, 65536);
  // EDGE, about 25 KB/s: a 64 KiB chunk in 2.6 s fits 96 KiB in 4 s.
  let c = adaptChunk(CHUNK_START, { ok: true, bytes: 65536, ms: 2600 });
  assert.equal(c, 98304);
  // Faster each time: at most twice the last one, never past CHUNK.
  c = adaptChunk(c, { ok: true, bytes: c, ms: 10 });
  assert.equal(c, 196608);
  c = adaptChunk(c, { ok: true, bytes: c, ms: 10 });
  assert.equal(c, CHUNK);
  c = adaptChunk(c, { ok: true, bytes: c, ms: 10 });
  assert.equal(c, CHUNK);
  // A slow chunk brings it down to what fits CHUNK_TARGET_MS at once.
  c = adaptChunk(c, { ok: true, bytes: CHUNK, ms: 4 * CHUNK_TARGET_MS });
  assert.equal(c, CHUNK / 4);
  // Losses halve it down to CHUNK_MIN, not below.
  c = adaptChunk(c, { ok: false });
  assert.equal(c, 32768);
  assert.equal(adaptChunk(c, { ok: false }), CHUNK_MIN);
  // A crawl (2 KB/s) still sends CHUNK_MIN; nonsense keeps the size.
  assert.equal(adaptChunk(CHUNK, { ok: true, bytes: 2048, ms: 1000 }), CHUNK_MIN);
  assert.equal(adaptChunk(98304, { ok: true, bytes: 0, ms: 5 }), 98304);
  assert.equal(adaptChunk(undefined, { ok: true, bytes: NaN, ms: 5 }), CHUNK_START);
  // Always a multiple of CHUNK_MIN within the bounds.
  for (let i = 0; i < 200; i++) {
    const n = adaptChunk(Math.random() * 1e6, {
      ok: Math.random() < 0.7,
      bytes: Math.random() * 3e5,
      ms: Math.random() * 2e4,
    });
    assert.ok(n >= CHUNK_MIN && n <= CHUNK && n % CHUNK_MIN === 0, String(n));
  }
});
