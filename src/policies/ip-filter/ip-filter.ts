// ip-filter behaviour: refuse client addresses on the deny list, or missing from a non-empty allow list.
import { type CidrSet, createCidrSet, parseCidr, parseIp } from '../../lib/cidr.ts';
import { CONTINUE, deny, type PolicyContext, type PolicyHandlers, type Verdict } from '../policy.ts';
import type { IpFilterConfig } from './config.ts';

function compile(list: readonly string[], name: string): CidrSet {
  for (let i = 0; i < list.length; i++) {
    try {
      parseCidr(list[i]!.trim());
    } catch (error) {
      throw new Error(`${name}[${i}]: ${(error as Error).message}`);
    }
  }
  return createCidrSet(list);
}

const DENIED = deny('RAMPART_INGRESS_IP_DENIED', {
  reason: 'client address is on the deny list',
  rule: 'deny-list',
  location: 'client.ip',
});
const NOT_ALLOWED = deny('RAMPART_INGRESS_IP_DENIED', {
  reason: 'client address is not on the allow list',
  rule: 'allow-list',
  location: 'client.ip',
});
// The gateway hands a parsed peer address; anything else is a bug or a bad proxy header, so fail closed.
const UNPARSABLE = deny('RAMPART_INGRESS_IP_DENIED', {
  reason: 'client address could not be parsed',
  rule: 'unparsable-ip',
  location: 'client.ip',
});

/**
 * Compiles both lists to sorted numeric ranges at load; a request parses its client address once and
 * does two binary searches. Throws an Error naming the first invalid entry (`allow[2]: invalid CIDR …`).
 */
export function createIpFilter(config: IpFilterConfig): PolicyHandlers {
  const allow = compile(config.allow, 'allow');
  const denied = compile(config.deny, 'deny');
  if (allow.size === 0 && denied.size === 0) return {};
  const allowListed = allow.size > 0;
  return {
    onRequest(ctx: PolicyContext): Verdict {
      const ip = parseIp(ctx.clientIp);
      if (ip === undefined) return UNPARSABLE;
      if (denied.hasParsed(ip)) return DENIED;
      if (allowListed && !allow.hasParsed(ip)) return NOT_ALLOWED;
      return CONTINUE;
    },
  };
}
