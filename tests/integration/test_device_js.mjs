// test_device_js.mjs - a phone's side of docs/security.md with WebCrypto
// (Node's, the same API and algorithm as the browser's) against the real
// binary: the office invites, a non-extractable Ed25519 key pairs, then
// signed requests pass, replays and tampering do not. This is the proof that
// WebCrypto signatures verify under libsodium. EP_BIN is set by ctest.
import '../js/webcrypto.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const SRC = process.env.EP_SOURCE_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.EP_BIN;
const PRODUCTION = 'p-loue-2026';
const enc = new TextEncoder();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function b64url(bytes) {
  return Buffer.from(new Uint8Array(bytes)).toString('base64url');
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'ep-device-js-'));
  const portFile = join(dir, 'port');
  const proc = spawn(
    BIN,
    [
      'serve',
      '--demo',
      '--port',
      '0',
      '--port-file',
      portFile,
      '--data-dir',
      join(dir, 'data'),
      '--pwa-dir',
      join(SRC, 'pwa'),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 200 && !existsSync(portFile); i++) await sleep(50);
  const port = readFileSync(portFile, 'utf8').trim();
  return { base: `http://127.0.0.1:${port}`, proc, dir };
}

async function stopServer(s) {
  const done = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await done;
  rmSync(s.dir, { recursive: true, force: true });
}

async function signedFetch(base, phone, method, pathAndQuery, body, { counter, tamper } = {}) {
  const bytes = body === undefined ? new Uint8Array() : enc.encode(body);
  const c = String(counter ?? (phone.counter = Math.max(phone.counter + 1, Date.now())));
  const hash = b64url(await crypto.subtle.digest('SHA-256', bytes));
  const msg = `${method}\n${pathAndQuery}\n${phone.id}\n${c}\n${hash}`;
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, phone.keys.privateKey, enc.encode(msg));
  const sent = tamper === 'body' ? enc.encode(` ${body.slice(1)}`) : bytes;
  return fetch(base + pathAndQuery, {
    method,
    headers: {
      'X-EP-Device': phone.id,
      'X-EP-Counter': c,
      'X-EP-Signature': b64url(sig),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : sent,
  });
}

test('signing string matches the server byte for byte', async () => {
  const hash = b64url(await crypto.subtle.digest('SHA-256', enc.encode('{}')));
  assert.equal(
    `POST\n/api/v1/sync/push?a=1\nd-1\n42\n${hash}`,
    'POST\n/api/v1/sync/push?a=1\nd-1\n42\nRBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o',
  );
});

test(
  'WebCrypto Ed25519 phone pairs and signs against the real server',
  { skip: !BIN && 'EP_BIN not set' },
  async () => {
    const s = await startServer();
    try {
      // Office: sign in, invite Yann (son, crew).
      let r = await fetch(`${s.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'eco@demo.ecoplateau.fr', password: 'demo-ecoplateau' }),
      });
      assert.equal(r.status, 200);
      const cookie = r.headers.get('set-cookie').split(';')[0];
      const { csrf } = await r.json();
      r = await fetch(`${s.base}/api/v1/productions/${PRODUCTION}/invites`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-EP-CSRF': csrf },
        body: JSON.stringify({ member_id: 'm-yann' }),
      });
      assert.equal(r.status, 201);
      const invite = await r.json();
      assert.match(invite.link, /#pair=/);
      const code = new URL(invite.link).hash.slice('#pair='.length);

      // Phone: a non-extractable key pair; only the public key leaves.
      const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      await assert.rejects(crypto.subtle.exportKey('pkcs8', keys.privateKey));
      const publicKey = b64url(await crypto.subtle.exportKey('raw', keys.publicKey));
      r = await fetch(`${s.base}/api/v1/devices/pair`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code, public_key: publicKey, name: 'Node phone' }),
      });
      assert.equal(r.status, 201);
      const paired = await r.json();
      assert.equal(paired.role, 'crew');
      assert.equal(paired.department, 'son');
      const phone = { id: paired.device_id, keys, counter: 0 };

      r = await signedFetch(s.base, phone, 'GET', `/api/v1/productions/${PRODUCTION}/key`);
      assert.equal(r.status, 200);
      const key = await r.json();
      assert.equal(key.key_id, paired.production_key.key_id);

      r = await signedFetch(s.base, phone, 'GET', `/api/v1/productions/${PRODUCTION}/members?x=1`);
      assert.equal(r.status, 200);

      // Replay: the very same counter again.
      r = await signedFetch(
        s.base,
        phone,
        'GET',
        `/api/v1/productions/${PRODUCTION}/key`,
        undefined,
        { counter: phone.counter },
      );
      assert.equal(r.status, 401);
      assert.equal((await r.json()).error.code, 'replayed_request');

      // Tampered body: refused before anything reads it.
      r = await signedFetch(
        s.base,
        phone,
        'POST',
        `/api/v1/productions/${PRODUCTION}/invites`,
        '{"member_id":"m-yann"}',
        { tamper: 'body' },
      );
      assert.equal(r.status, 401);
      assert.equal((await r.json()).error.code, 'bad_signature');
      // Untampered: authenticated, and refused as office-only for a phone.
      r = await signedFetch(
        s.base,
        phone,
        'POST',
        `/api/v1/productions/${PRODUCTION}/invites`,
        '{"member_id":"m-yann"}',
      );
      assert.equal(r.status, 403);
      assert.equal((await r.json()).error.code, 'forbidden');

      // The office revokes the phone.
      r = await fetch(`${s.base}/api/v1/productions/${PRODUCTION}/devices/${phone.id}/revoke`, {
        method: 'POST',
        headers: { Cookie: cookie, 'X-EP-CSRF': csrf },
      });
      assert.equal(r.status, 200);
      r = await signedFetch(s.base, phone, 'GET', `/api/v1/productions/${PRODUCTION}/key`);
      assert.equal(r.status, 403);
      assert.equal((await r.json()).error.code, 'device_revoked');
    } finally {
      await stopServer(s);
    }
  },
);
