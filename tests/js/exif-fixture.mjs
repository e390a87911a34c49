// Builds EXIF GPS metadata the way cameras write it, for the tests: a TIFF
// block with IFD0 -> GPS IFD (LatitudeRef, Latitude, LongitudeRef,
// Longitude as degrees/minutes/seconds rationals), wrapped as a JPEG APP1
// "Exif" segment spliced after the SOI marker of any JPEG.

export function gpsTiff({ lat, lon, littleEndian = true }) {
  const buf = new ArrayBuffer(128);
  const dv = new DataView(buf);
  const b = new Uint8Array(buf);
  const le = littleEndian;
  b.set(le ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  dv.setUint16(2, 42, le);
  dv.setUint32(4, 8, le);
  // IFD0: one entry, GPSInfo -> 26.
  dv.setUint16(8, 1, le);
  dv.setUint16(10, 0x8825, le);
  dv.setUint16(12, 4, le);
  dv.setUint32(14, 1, le);
  dv.setUint32(18, 26, le);
  dv.setUint32(22, 0, le);
  // GPS IFD at 26: four entries, values from 80.
  const entry = (i, tag, type, count, write) => {
    const e = 28 + i * 12;
    dv.setUint16(e, tag, le);
    dv.setUint16(e + 2, type, le);
    dv.setUint32(e + 4, count, le);
    write(e + 8);
  };
  const dms = (v, at) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 1000);
    [
      [d, 1],
      [m, 1],
      [s, 1000],
    ].forEach(([n, q], i) => {
      dv.setUint32(at + 8 * i, n, le);
      dv.setUint32(at + 8 * i + 4, q, le);
    });
  };
  dv.setUint16(26, 4, le);
  entry(0, 1, 2, 2, (at) => b.set([lat < 0 ? 0x53 : 0x4e, 0], at));
  entry(1, 2, 5, 3, (at) => dv.setUint32(at, 80, le));
  entry(2, 3, 2, 2, (at) => b.set([lon < 0 ? 0x57 : 0x45, 0], at));
  entry(3, 4, 5, 3, (at) => dv.setUint32(at, 104, le));
  dv.setUint32(76, 0, le);
  dms(lat, 80);
  dms(lon, 104);
  return b;
}

export function app1(tiff) {
  const len = tiff.length + 8; // length field + "Exif\0\0" + TIFF
  const seg = new Uint8Array(len + 2);
  seg.set([0xff, 0xe1, len >> 8, len & 0xff, 0x45, 0x78, 0x69, 0x66, 0, 0], 0);
  seg.set(tiff, 10);
  return seg;
}

// The JPEG with the segment right after its SOI (FF D8).
export function splice(jpeg, segment) {
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2), 0);
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}
