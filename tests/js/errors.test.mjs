// Every error code the server can send has a message in French and in English
// (ERRORS of pwa/js/i18n/fr.js and en.js), found by reading the C sources: a new code without
// its words fails here. And no message is left for a code nobody sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS as fr } from '../../pwa/js/i18n/fr.js';
import { ERRORS as en } from '../../pwa/js/i18n/en.js';

const ERRORS = { fr, en };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const walk = (d) =>
  readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.c') ? [p] : [];
  });

// Where a code is written in the C code: the error replies, the per-op
// refusals of a push, the validators' codes, the pairing checks and the
// states of an upload.
const PATTERNS = [
  /\b(?:http_error|api_error|error_at|fail)\([^;]*?\b\d{3},\s*"([a-z_]+)"/gs,
  /sync__refuse\(\s*[^,]+,\s*"([a-z_]+)"/g,
  /snprintf\(\s*code,\s*[a-z]+,\s*"([a-z_]+)"/g,
  /refuse\(\s*code,\s*codelen,\s*"([a-z_]+)"/g,
  /"code",\s*"([a-z_]+)"/g,
  /attach_refuse\([^,]+,[^,]+,\s*"([a-z_]+)"/g,
  /set_state\([^;]*"([a-z]+_[a-z_]+)",\s*st->reason/g,
  /\\"code\\":\\"([a-z_]+)\\"/g, // JSON written by hand (the 405)
  // Replies whose status is computed (http_status_for(rc), a condition),
  // and the fallback code of a refusal whose own code is missing.
  /\bhttp_error\(\s*\w+,\s*[^",;]*(?:\([^()]*\))?[^",;]*,\s*"([a-z_]+)"/g,
  /\bcode\s*!=\s*NULL\s*\?\s*code\s*:\s*"([a-z_]+)"/g,
];

export function serverCodes() {
  const codes = new Map();
  for (const f of [...walk(join(root, 'sync')), ...walk(join(root, 'backend'))]) {
    const src = readFileSync(f, 'utf8');
    for (const re of PATTERNS)
      for (const m of src.matchAll(re))
        if (!codes.has(m[1])) codes.set(m[1], f.slice(root.length + 1));
  }
  return codes;
}

test('every code the server sends has French and English words', () => {
  const codes = serverCodes();
  assert.ok(
    codes.size > 40,
    `only ${codes.size} codes found: the patterns no longer match the C code`,
  );
  for (const lang of ['fr', 'en']) {
    const missing = [...codes].filter(([c]) => !ERRORS[lang][c]).map(([c, f]) => `${c} (${f})`);
    assert.deepEqual(
      missing,
      [],
      `codes without a ${lang} message in ERRORS of pwa/js/i18n/${lang}.js`,
    );
  }
});

test('both languages have the same codes, and none is stale', () => {
  assert.deepEqual(Object.keys(ERRORS.en).sort(), Object.keys(ERRORS.fr).sort());
  const codes = serverCodes();
  const stale = Object.keys(ERRORS.fr).filter((c) => c !== 'unknown' && !codes.has(c));
  assert.deepEqual(stale, [], 'messages for codes the server no longer sends');
  for (const lang of ['fr', 'en']) assert.match(ERRORS[lang].unknown, /\{code\}/);
});
