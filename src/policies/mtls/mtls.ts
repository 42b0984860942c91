// mtls behaviour: the TLS client certificate (verified by the listener against its CA) names the
// consumer by subject CN, a SAN or its fingerprint; optionally the consumer must exist in the store.
import {
  type AuthnMethod,
  alreadyIdentified,
  establish,
  missingCredential,
  refuse,
  unavailable,
} from '../../identity/authn.ts';
import { createExpiringLru } from '../../identity/lru.ts';
import { parseDuration } from '../../lib/durations.ts';
import type { Consumer } from '../../store/store.ts';
import {
  type ClientCertificate,
  CONTINUE,
  type MaybePromise,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type Verdict,
} from '../policy.ts';
import type { MtlsConfig } from './config.ts';

const LOCATION = 'tls.client-certificate';
const SAN_PREFIX = { 'san.dns': 'DNS:', 'san.uri': 'URI:', 'san.email': 'email:' } as const;

/** The configured field of a certificate; undefined when it has none. */
export function certificateName(
  cert: ClientCertificate,
  field: MtlsConfig['consumerFrom'],
): string | undefined {
  if (field === 'fingerprint') return cert.fingerprint256;
  if (field === 'subject.CN') {
    const cn = cert.subject.CN;
    // Several CNs are ambiguous: refuse rather than pick one.
    return typeof cn === 'string' ? cn : undefined;
  }
  const prefix = SAN_PREFIX[field];
  for (const entry of (cert.subjectAltName ?? '').split(', ', 256)) {
    if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  }
  return undefined;
}

/** Builds the handlers; throws when `lookup: store` has no store. */
export function createMtls(config: MtlsConfig, deps: PolicyDeps): PolicyHandlers {
  const store = deps.store;
  if (config.lookup === 'store' && store === undefined) {
    throw new Error('mtls with lookup: store needs the identity store: add a `store:` section to the config');
  }
  const ttl = parseDuration(config.cacheTtl);
  const cache = createExpiringLru<Consumer | null>(10_000);
  const allow = new Set(config.allow);
  const method: AuthnMethod = { method: 'mtls', challenge: 'Mutual-TLS realm="rampart"', location: LOCATION };

  const withConsumer = (ctx: PolicyContext, name: string, consumer: Consumer | null): Verdict => {
    if (consumer === null) {
      return refuse(ctx, method, {
        rule: 'unknown-consumer',
        reason: `no consumer for certificate ${name}`,
        credentialId: `cert:${name}`,
      });
    }
    if (!consumer.enabled) {
      return refuse(ctx, method, {
        rule: 'consumer-disabled',
        reason: `consumer ${consumer.name} disabled`,
        credentialId: `cert:${name}`,
      });
    }
    return establish(
      ctx,
      {
        consumerId: consumer.id,
        consumerName: consumer.name,
        scopes: consumer.roles,
        method: 'mtls',
        claims: consumer.metadata,
      },
      config,
      `cert:${name}`,
    );
  };

  return {
    onRequest(ctx: PolicyContext): MaybePromise<Verdict> {
      if (alreadyIdentified(ctx, config, undefined)) return CONTINUE;
      const cert = ctx.clientCertificate;
      if (!ctx.secure || cert === undefined) return missingCredential(ctx, config, method);
      if (!cert.authorized) {
        return refuse(ctx, method, {
          rule: 'untrusted-certificate',
          reason: `certificate ${cert.fingerprint256} not issued by the CA`,
        });
      }
      const name = certificateName(cert, config.consumerFrom);
      if (name === undefined || (allow.size > 0 && !allow.has(name))) {
        return refuse(ctx, method, {
          rule: 'not-allowed',
          reason: `certificate ${cert.fingerprint256} names no accepted consumer`,
        });
      }
      if (config.lookup === 'certificate') {
        return establish(
          ctx,
          { consumerId: name, consumerName: name, scopes: config.roles, method: 'mtls' },
          config,
          `cert:${name}`,
        );
      }
      const now = ctx.clock.now();
      const cached = cache.get(name, now);
      if (cached !== undefined) return withConsumer(ctx, name, cached);
      return store!.findConsumer(name).then(
        (consumer) => {
          // Only a consumer whose *name* matches: a certificate must not select a consumer by id.
          const found = consumer !== undefined && consumer.name === name ? consumer : null;
          cache.set(name, found, now + ttl);
          return withConsumer(ctx, name, found);
        },
        (error: unknown) =>
          unavailable(ctx, `identity store lookup failed: ${(error as Error).message}`, LOCATION),
      );
    },
  };
}
