// hlc.js - hybrid logical clocks as in docs/sync-protocol.md section 3.
// A clock is written TTTTTTTTTTTT-CCCC (48 bits of Unix ms, 16-bit counter,
// lowercase hex), so string order is clock order. Pure, no I/O.

const MS_MASK = (1n << 48n) - 1n;
export const ZERO = '000000000000-0000';
const RE = /^[0-9a-f]{12}-[0-9a-f]{4}$/;

export function isValid(text) {
  return typeof text === 'string' && RE.test(text);
}

export function parse(text) {
  if (!isValid(text)) throw new TypeError(`invalid clock '${text}'`);
  return (BigInt('0x' + text.slice(0, 12)) << 16n) | BigInt('0x' + text.slice(13));
}

export function format(value) {
  const ms = (value >> 16n) & MS_MASK;
  const c = value & 0xffffn;
  return ms.toString(16).padStart(12, '0') + '-' + c.toString(16).padStart(4, '0');
}

export function ms(text) {
  return Number(parse(text) >> 16n);
}

// next = max(now_ms << 16, last + 1): strictly after last, even if the wall
// clock went backwards; the counter carries into the milliseconds when full.
export function tick(last, nowMs) {
  const l = parse(last || ZERO);
  const phys = (BigInt(Math.max(0, Math.floor(nowMs))) & MS_MASK) << 16n;
  return format(phys > l ? phys : l + 1n);
}

// On every pull: last = max(last, seen), so the next op sorts after it.
export function observe(last, seen) {
  if (!isValid(seen)) return last || ZERO;
  const l = last || ZERO;
  return seen > l ? seen : l;
}
