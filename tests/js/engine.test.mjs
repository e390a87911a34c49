// Engine behaviour beyond the shared vectors: clocks, conflicts list, base
// of an edit, hostile bases, bad ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Replica, checkOp, hlc } from '../../pwa/js/sync/engine.js';

test('hlc: format, tick past the last clock, observe', () => {
  assert.equal(hlc.format(hlc.parse('0192f0a1b2c3-00ff')), '0192f0a1b2c3-00ff');
  const t = hlc.tick(hlc.ZERO, 0x1000);
  assert.equal(t, '000000001000-0000');
  assert.equal(hlc.tick(t, 0x0fff), '000000001000-0001'); // wall clock behind
  assert.equal(hlc.tick('000000001000-ffff', 0), '000000001001-0000'); // counter carries
  assert.equal(hlc.observe('000000001000-0000', '000000002000-0003'), '000000002000-0003');
  assert.equal(hlc.observe('000000003000-0000', '000000002000-0003'), '000000003000-0000');
  assert.equal(hlc.observe('000000003000-0000', 'garbage'), '000000003000-0000');
  assert.throws(() => hlc.parse('0192F0A1B2C3-0000'));
  assert.equal(hlc.ms('000000001000-0005'), 0x1000);
});

const put = (op, hlcs, dev, fields, base) => ({
  op,
  col: 'tasks',
  id: 't1',
  kind: 'put',
  hlc: hlcs,
  dev,
  fields,
  ...(base ? { base } : {}),
});

test('conflicts list has the server shape and an edit that saw the value resolves nothing else', () => {
  const r = new Replica();
  r.apply(put('a1', '000000001000-0000', 'dev-a', { done: false }));
  r.apply(put('b1', '000000002000-0000', 'dev-b', { done: true }, { done: ['a1'] }));
  r.apply(put('c1', '000000003000-0000', 'dev-c', { done: false }, { done: ['a1'] }));
  const c = r.conflicts();
  assert.equal(c.length, 1);
  assert.deepEqual(c[0], {
    col: 'tasks',
    id: 't1',
    field: 'done',
    value: true,
    hlc: '000000002000-0000',
    dev: 'dev-b',
    op: 'b1',
    winner: { op: 'c1', hlc: '000000003000-0000', dev: 'dev-c', value: false },
  });
  const rec = r.record('tasks', 't1');
  assert.deepEqual(rec.heads.done, ['b1', 'c1']);
  // Resolving = a version whose base lists every leaf.
  r.apply(put('o1', '000000000500-0000', 'office-x', { done: true }, { done: rec.heads.done }));
  assert.deepEqual(r.conflicts(), []);
  assert.equal(r.record('tasks', 't1').fields.done, true);
});

test('hostile bases that supersede every version keep the greatest version', () => {
  const r = new Replica();
  r.apply(put('a1', '000000001000-0000', 'dev-a', { title: 'A' }, { title: ['b1'] }));
  r.apply(put('b1', '000000002000-0000', 'dev-b', { title: 'B' }, { title: ['a1'] }));
  assert.equal(r.record('tasks', 't1').fields.title, 'B');
  assert.deepEqual(r.state().records['tasks/t1'].conflicts, {});
});

test('same-value leaves are no conflict; deleted follows _deleted', () => {
  const r = new Replica();
  r.apply(put('a1', '000000001000-0000', 'dev-a', { done: true, _deleted: true }));
  r.apply(put('b1', '000000001000-0000', 'dev-b', { done: true }));
  const rec = r.record('tasks', 't1');
  assert.deepEqual(rec.conflicts, {});
  assert.equal(rec.deleted, true);
});

test('bad ops are refused with a reason', () => {
  assert.match(checkOp({}), /op id/);
  assert.match(checkOp(put('a1', 'nope', 'd', { x: 1 })), /clock/);
  assert.match(checkOp(put('a1', '000000001000-0000', 'd', {})), /1 to 64/);
  assert.match(checkOp(put('a1', '000000001000-0000', 'd', { x: 1 }, { y: [] })), /does not set/);
  assert.match(
    checkOp({ ...put('a1', '000000001000-0000', 'd', { x: 1 }), extra: 1 }),
    /unknown key/,
  );
  assert.throws(() => new Replica().apply({ op: 'x' }));
});

test('a fact id is never reused', () => {
  const r = new Replica();
  const add = (op, id, f) => ({
    op,
    col: 'readings',
    id,
    kind: 'add',
    hlc: '000000001000-0000',
    dev: 'd',
    fields: f,
  });
  assert.equal(
    r.apply(add('o1', 'f1', { indicator: 'x', value: 1, dept: 'regie', at: '2026-09-21' })),
    'applied',
  );
  assert.equal(
    r.apply(add('o2', 'f1', { indicator: 'x', value: 2, dept: 'regie', at: '2026-09-21' })),
    'collision',
  );
  assert.equal(r.fact('readings', 'f1').fields.value, 1);
});

// The id rule shared with the C engine (sync/util/ids.c, tests/unit/util/test_ids.c).
test('ids: the same accepted and refused cases as the C engine', () => {
  const op = (id, dev = 'dev-a') => ({
    op: 'o1',
    col: 'tasks',
    id,
    kind: 'put',
    hlc: '000000001000-0000',
    dev,
    fields: { title: 'x' },
  });
  for (const id of [
    'm-loue.01:x_y',
    'dev~phone',
    '0192f0a1-b2c3-7def-8000-0123456789ab',
    'A',
    'a'.repeat(64),
  ]) {
    assert.equal(checkOp(op(id)), null, id);
    assert.equal(checkOp(op('r1', id)), null, `dev ${id}`);
  }
  for (const id of [
    '',
    'a b',
    'a/b',
    'a%20',
    'é',
    'a"b',
    "a'b",
    'a\nb',
    'a?b',
    'a#b',
    'a+b',
    'a'.repeat(65),
  ]) {
    assert.notEqual(checkOp(op(id)), null, JSON.stringify(id));
    assert.notEqual(checkOp(op('r1', id)), null, `dev ${JSON.stringify(id)}`);
  }
});
