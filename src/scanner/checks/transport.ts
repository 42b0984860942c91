// Transport and headers: plain HTTP off loopback, HSTS on HTTPS, CORS reflecting any origin with
// credentials, TRACE echoing requests, missing security headers, banners and verbose errors.
import { call, isAdminOperation, ok, paramsFor, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import type { Exchange } from '../types.ts';
import { uniqueTag } from '../values.ts';
import type { Check } from './check.ts';
import { SQL_ERRORS } from './injection.ts';

const meta = {
  id: 'transport',
  title: 'Transport and header misconfiguration',
  owasp: 'API8:2023',
  cwe: 693,
} as const;

/** A stack frame line (raw or inside a JSON string), a Python traceback or a Java frame. */
const STACK = /(?:\n|\\n)\s{1,8}at \S|Traceback \(most recent call last\)|\.java:\d+\)/;
const VERSION = /\d+\.\d+/;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

export const transportCheck: Check = {
  ...meta,
  budget: 10,
  async run(ctx) {
    const target = ctx.client.target;
    const push = (
      title: string,
      severity: 'low' | 'medium' | 'high',
      cwe: number,
      description: string,
      proof: Exchange,
    ): void => {
      ctx.findings.push(makeFinding(meta, { title, severity, cwe, operation: '*', description, proof }));
    };
    const op = ctx.operations.find(
      (o) => o.method === 'GET' && !isAdminOperation(o) && paramsFor(ctx, o, ctx.userA) !== undefined,
    );
    if (op === undefined) return;
    const who = ctx.userA ?? ctx.admin;
    const params = paramsFor(ctx, op, who) ?? {};
    tested(ctx, meta.id, op);
    const plain = await call(ctx, op, who, { params });
    if (target.protocol === 'http:' && !isLoopback(target.hostname)) {
      push(
        'API served over plain HTTP',
        'high',
        319,
        `${target.origin} answers over HTTP: credentials and data travel in clear text.`,
        plain,
      );
    }
    if (target.protocol === 'https:' && plain.responseHeaders['strict-transport-security'] === undefined) {
      push(
        'No Strict-Transport-Security header',
        'low',
        523,
        'HTTPS answers carry no HSTS header (RFC 6797), so a first visit can be downgraded.',
        plain,
      );
    }
    const origin = `https://rampart-${uniqueTag()}.example`;
    const cors = await call(ctx, op, who, { params, headers: { origin } });
    const allowed = cors.responseHeaders['access-control-allow-origin'];
    if (
      (allowed === origin || allowed === '*') &&
      cors.responseHeaders['access-control-allow-credentials'] === 'true'
    ) {
      push(
        'CORS allows any origin with credentials',
        'high',
        942,
        `An arbitrary Origin (${origin}) is ${allowed === '*' ? 'matched by *' : 'reflected'} with Access-Control-Allow-Credentials: true: any web site can read answers with the user's credentials.`,
        cors,
      );
    } else {
      // Origins a careless check (prefix, suffix, substring, `null`) would take for the API's own.
      const host = target.hostname;
      const lookalikes = [
        'null',
        `https://${host}.rampart-${uniqueTag()}.example`,
        `https://rampart${uniqueTag()}-${host}`,
      ];
      for (const candidate of lookalikes) {
        const res = await call(ctx, op, who, { params, headers: { origin: candidate } });
        if (
          res.responseHeaders['access-control-allow-origin'] !== candidate ||
          res.responseHeaders['access-control-allow-credentials'] !== 'true'
        )
          continue;
        push(
          'CORS trusts look-alike origins',
          'high',
          942,
          `The Origin ${candidate} (a look-alike of ${host}, which a prefix, suffix or \`null\` match accepts) is reflected with Access-Control-Allow-Credentials: true: a site at such an address can read answers with the user's credentials.`,
          res,
        );
        break;
      }
    }
    const marker = `rampart-${uniqueTag()}`;
    const trace = await ctx.client.send({
      method: 'TRACE',
      path: '/',
      headers: { 'x-rampart-trace': marker },
      operation: undefined,
    });
    if (ok(trace) && trace.body.includes(marker)) {
      push(
        'TRACE echoes requests',
        'low',
        693,
        'TRACE is enabled and echoes the request headers (cross-site tracing can read credentials).',
        trace,
      );
    }
    const missing = ['x-content-type-options', 'cache-control'].filter(
      (h) => plain.responseHeaders[h] === undefined,
    );
    if (missing.length > 0) {
      push(
        'Security headers missing',
        'low',
        693,
        `Answers lack ${missing.join(', ')} (nosniff, no-store for personal data).`,
        plain,
      );
    }
    const banner = ['server', 'x-powered-by']
      .map((h) => plain.responseHeaders[h])
      .filter((v): v is string => v !== undefined && VERSION.test(v));
    if (banner.length > 0)
      push(
        'Version banners in headers',
        'low',
        200,
        `Headers name the software and its version: ${banner.join('; ')}.`,
        plain,
      );
    const verbose = ctx.client.recorded.find(
      (ex) => STACK.test(ex.body) || (ex.status >= 500 && SQL_ERRORS.test(ex.body)),
    );
    if (verbose !== undefined) {
      push(
        'Verbose errors',
        'medium',
        209,
        'An error answer contains a stack trace or a database error message (internal paths, queries, versions).',
        verbose,
      );
    }
  },
};
