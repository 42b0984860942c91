// The hmac-signature policy definition (authn): HTTP Message Signatures (RFC 9421) per consumer key.
import { definePolicy } from '../policy.ts';
import { hmacSignatureConfig } from './config.ts';
import { createHmacSignature } from './hmac-signature.ts';

/** Identifies the caller by an RFC 9421 request signature (hmac-sha256 or ed25519), replay-protected. */
export const hmacSignature = definePolicy({
  name: 'hmac-signature',
  stage: 'authn',
  description:
    'HTTP Message Signatures (RFC 9421): hmac-sha256/ed25519, Content-Digest, created, replay cache.',
  config: hmacSignatureConfig,
  needs: { requestBody: true },
  errors: ['RAMPART_AUTHN_UNAUTHORIZED', 'RAMPART_AUTHN_UNAVAILABLE'],
  create: (config, deps) => createHmacSignature(config, deps),
});
