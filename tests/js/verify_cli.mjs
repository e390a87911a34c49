// verify_cli.mjs FILE [PINNED_KEY] - runs the PWA's verifyEnvelope (Node's
// WebCrypto, the same API as the phone's) on an exported envelope; exit 0 if
// valid. Used by tests/integration/test_sync_http.c against real signatures.
import { readFileSync } from 'node:fs';
import { verifyEnvelope } from '../../pwa/js/verify.js';

const env = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const res = await verifyEnvelope(env, process.argv[3]);
console.log(res.valid ? `valid: ${res.payload.title}` : `INVALID: ${res.reason}`);
process.exit(res.valid ? 0 : 1);
