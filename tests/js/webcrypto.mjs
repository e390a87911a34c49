// Node 18 (Debian 12's own) has WebCrypto only as require('node:crypto')
// .webcrypto, not as the global `crypto` the PWA's modules use (Node 19+ and
// browsers do). Importing this first makes the global exist on every version.
import { webcrypto } from 'node:crypto';

if (globalThis.crypto === undefined) globalThis.crypto = webcrypto;
