// verify.js - checks a signed communication's envelope (backend/comms.h) with
// WebCrypto Ed25519, as a phone does before showing the "vérifié" badge.
// The public key must be the production's, pinned from GET
// /api/v1/productions/ID/key, never the one inside the envelope alone.

function fromB64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// Returns {valid: true, payload} or {valid: false, reason}.
export async function verifyEnvelope(envelope, pinnedPublicKeyB64) {
  try {
    if (envelope.alg !== 'Ed25519') return { valid: false, reason: 'algorithm' };
    if (pinnedPublicKeyB64 && envelope.public_key !== pinnedPublicKeyB64) {
      return { valid: false, reason: 'key' };
    }
    const key = await crypto.subtle.importKey(
      'raw',
      fromB64url(envelope.public_key),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const bytes = fromB64url(envelope.payload);
    const ok = await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      fromB64url(envelope.signature),
      bytes,
    );
    if (!ok) return { valid: false, reason: 'signature' };
    return { valid: true, payload: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (e) {
    return { valid: false, reason: 'malformed' };
  }
}
