// csrf behaviour: an unsafe request (RFC 9110 §9.2.1) that carries cookies must come from the API's own
// origin or a trusted one, judged by Fetch Metadata (`Sec-Fetch-Site`), else `Origin`, else `Referer`
// (OWASP CSRF Prevention Cheat Sheet); optionally its header must repeat a cookie (double submit).
import { timingSafeEqual } from 'node:crypto';
import { compileOriginList, parseOrigin } from '../../lib/origin-list.ts';
import { CONTINUE, deny, type PolicyContext, type PolicyHandlers, type Verdict } from '../policy.ts';
import type { CsrfConfig } from './config.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const MAX_COOKIE_HEADER = 8192;

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4), or undefined. */
export function cookieValue(header: string, name: string): string | undefined {
  const bounded = header.length > MAX_COOKIE_HEADER ? header.slice(0, MAX_COOKIE_HEADER) : header;
  for (const pair of bounded.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    return pair.slice(equals + 1).trim();
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// The origin part of a Referer (`https://a.example/x?y` → `https://a.example`), or undefined.
function refererOrigin(referer: string): string | undefined {
  const sep = referer.indexOf('://');
  if (sep < 1) return undefined;
  const slash = referer.indexOf('/', sep + 3);
  return slash === -1 ? referer : referer.slice(0, slash);
}

/** Compiles the origin list once; a safe method or a cookie-less request costs one or two lookups. */
export function createCsrf(config: CsrfConfig): PolicyHandlers {
  const trusted = compileOriginList(config.trustedOrigins);
  const refuse = (rule: string, reason: string, location: string): Verdict =>
    deny('RAMPART_CSRF_REFUSED', { rule, reason, location, detail: 'Cross-site request refused.' });

  // The request's own origin is its Host; the scheme is not compared, so a gateway behind a TLS
  // terminator (plain HTTP to it, https:// in the browser) still recognises its own pages.
  const fromOwnOrTrusted = (ctx: PolicyContext, origin: string): boolean => {
    if (trusted.allows(origin)) return true;
    const parsed = parseOrigin(origin);
    const host = single(ctx.headers.host)?.toLowerCase();
    if (parsed === undefined || host === undefined) return false;
    return (parsed.port === '' ? parsed.host : `${parsed.host}:${parsed.port}`) === host;
  };

  const checkSite = (ctx: PolicyContext): Verdict => {
    const origin = single(ctx.headers.origin);
    const site = single(ctx.headers['sec-fetch-site']);
    if (site !== undefined) {
      if (site === 'same-origin' || site === 'none') return CONTINUE;
      if (site === 'same-site' && config.allowSameSite) return CONTINUE;
      if (origin !== undefined && origin !== 'null' && trusted.allows(origin)) return CONTINUE;
      return refuse('fetch-site', `Sec-Fetch-Site ${site.slice(0, 16)}`, 'header.sec-fetch-site');
    }
    if (origin !== undefined) {
      if (origin !== 'null' && fromOwnOrTrusted(ctx, origin)) return CONTINUE;
      return refuse('origin', `origin ${origin.slice(0, 100)} not trusted`, 'header.origin');
    }
    const referer = single(ctx.headers.referer);
    if (referer !== undefined) {
      const from = refererOrigin(referer);
      if (from !== undefined && fromOwnOrTrusted(ctx, from)) return CONTINUE;
      return refuse('referer', 'referer from another site', 'header.referer');
    }
    return config.requireOrigin
      ? refuse('no-origin', 'no Sec-Fetch-Site, Origin or Referer', 'header.origin')
      : CONTINUE;
  };

  const doubleSubmit = config.doubleSubmit;
  return {
    onRequest(ctx) {
      if (SAFE_METHODS.has(ctx.method)) return CONTINUE;
      const cookies = single(ctx.headers.cookie);
      if (config.onlyWithCookies && cookies === undefined) return CONTINUE;
      const site = checkSite(ctx);
      if (site.kind === 'deny' || doubleSubmit === undefined) return site;
      const expected = cookies === undefined ? undefined : cookieValue(cookies, doubleSubmit.cookie);
      const sent = single(ctx.headers[doubleSubmit.header]);
      if (expected === undefined || expected === '' || sent === undefined || !sameText(expected, sent))
        return refuse(
          'double-submit',
          'token missing or not matching its cookie',
          `header.${doubleSubmit.header}`,
        );
      return CONTINUE;
    },
  };
}
