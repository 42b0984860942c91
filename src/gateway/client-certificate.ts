// The client certificate of a TLS connection, in the narrow shape policies see (mTLS identity).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ClientCertificate } from '../policies/policy.ts';

const cache = new WeakMap<Socket, ClientCertificate | null>();

/** The peer certificate of a TLS socket, read once per connection; undefined when none was sent. */
export function clientCertificateOf(socket: Socket): ClientCertificate | undefined {
  const known = cache.get(socket);
  if (known !== undefined) return known ?? undefined;
  const tls = socket as TLSSocket;
  const peer = typeof tls.getPeerCertificate === 'function' ? tls.getPeerCertificate(false) : undefined;
  const certificate =
    peer === undefined || peer === null || Object.keys(peer).length === 0
      ? null
      : {
          authorized: tls.authorized === true,
          subject: { ...(peer.subject as unknown as Record<string, string | string[]>) },
          subjectAltName: peer.subjectaltname,
          fingerprint256: peer.fingerprint256,
          serialNumber: peer.serialNumber,
          validTo: peer.valid_to,
        };
  cache.set(socket, certificate);
  return certificate ?? undefined;
}
