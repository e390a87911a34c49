// The commit-msg hook (.githooks/commit-msg, installed by `make`): subjects
// of at most 72 characters (not bytes), a blank line before any body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const hook = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.githooks', 'commit-msg');

function check(message) {
  const dir = mkdtempSync(join(tmpdir(), 'ep-hook-'));
  try {
    writeFileSync(join(dir, 'MSG'), message);
    const r = spawnSync(hook, [join(dir, 'MSG')], { encoding: 'utf8' });
    return { ok: r.status === 0, err: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('commit-msg accepts short subjects, with or without a body', () => {
  assert.ok(check('sync: one canonical text\n').ok);
  assert.ok(check('sync: one canonical text\n\nWhy it matters.\n').ok);
  assert.ok(check('x'.repeat(72) + '\n').ok);
  assert.ok(check('é'.repeat(72) + '\n').ok, 'characters, not bytes');
  assert.ok(check('# git comment\nsubject\n\n# another\n').ok);
});

test('commit-msg refuses long subjects, a body glued to the subject, an empty one', () => {
  const long = check('x'.repeat(73) + '\n');
  assert.ok(!long.ok);
  assert.match(long.err, /73 characters, at most 72/);
  assert.ok(!check('é'.repeat(73) + '\n').ok);
  const glued = check('subject\nbody right away\n');
  assert.ok(!glued.ok);
  assert.match(glued.err, /second line blank/);
  assert.ok(!check('\n').ok);
});
