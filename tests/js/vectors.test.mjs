// The shared test vectors (tests/vectors/*.json, docs/sync-protocol.md §9)
// through the PWA's engine: every listed order, each op applied twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Replica, canon } from '../../pwa/js/sync/engine.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vdir = join(root, 'tests', 'vectors');
const files = readdirSync(vdir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function* permutations(n) {
  const a = [...Array(n).keys()];
  yield a.slice();
  for (;;) {
    let i = n - 1;
    while (i > 0 && a[i - 1] >= a[i]) i--;
    if (i <= 0) return;
    let j = n - 1;
    while (a[j] <= a[i - 1]) j--;
    [a[i - 1], a[j]] = [a[j], a[i - 1]];
    for (let l = i, r = n - 1; l < r; l++, r--) [a[l], a[r]] = [a[r], a[l]];
    yield a.slice();
  }
}

test('there are at least 10 shared vectors', () => {
  assert.ok(files.length >= 10, `only ${files.length} vectors in ${vdir}`);
});

for (const file of files) {
  const v = JSON.parse(readFileSync(join(vdir, file), 'utf8'));
  test(`vector ${v.name}`, () => {
    // "texts": each JSON text, parsed, has exactly that canonical text (§2.5).
    for (const [src, text] of v.texts ?? []) {
      assert.equal(canon(JSON.parse(src)), text, `${v.name}: canonical text of ${src}`);
    }
    const orders =
      v.orders === 'all' || v.orders === undefined ? [...permutations(v.ops.length)] : v.orders;
    const want = canon(v.expect);
    for (const order of orders) {
      // Each op twice: a whole round, then the same round again.
      for (const how of ['rounds', 'pairs']) {
        const r = new Replica();
        if (how === 'rounds') {
          for (let round = 0; round < 2; round++)
            for (const i of order) r.apply(structuredClone(v.ops[i]));
        } else {
          for (const i of order) {
            r.apply(structuredClone(v.ops[i]));
            assert.equal(r.apply(structuredClone(v.ops[i])), 'duplicate');
          }
        }
        const got = canon(r.state());
        assert.equal(got, want, `${v.name}, order ${order.join(' ')} (${how})`);
      }
    }
  });
}
