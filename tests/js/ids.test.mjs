// UUIDv7 ids (pwa/js/sync/engine.js): shape, embedded time, order, uniqueness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './webcrypto.mjs';
import { uuidv7, uuidv7Time } from '../../pwa/js/sync/engine.js';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('version 7 shape and the sync id alphabet', () => {
  for (let i = 0; i < 1000; i++) {
    const id = uuidv7();
    assert.match(id, SHAPE);
    assert.match(id, /^[A-Za-z0-9_.:~-]{1,64}$/); // docs/sync-protocol.md §2
  }
});

test('the creation time is the first 48 bits', () => {
  const t = Date.UTC(2026, 10, 28, 23, 30, 0, 123);
  const id = uuidv7(t);
  assert.equal(uuidv7Time(id), t);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), t);
  assert.equal(uuidv7Time(crypto.randomUUID()), null);
});

test('ids made later sort later as strings (what the B-tree sees)', () => {
  const ids = [];
  for (let t = 1_700_000_000_000; t < 1_700_000_000_000 + 5000; t += 7) ids.push(uuidv7(t));
  const sorted = [...ids].sort();
  assert.deepEqual(sorted, ids);
});

test('no collisions within one millisecond', () => {
  const seen = new Set();
  for (let i = 0; i < 20000; i++) seen.add(uuidv7(1_700_000_000_000));
  assert.equal(seen.size, 20000);
});
