// SSRF: URL-typed members and parameters are given the address of a listener the scanner opens on
// 127.0.0.1 with a unique path; a finding needs the target to call it (the callback is the proof).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, isAdminOperation, paramsFor, type ScanContext, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import { propertiesOf } from '../spec.ts';
import type { Schema } from '../types.ts';
import { exampleOf, uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = { id: 'ssrf', title: 'Server-side request forgery', owasp: 'API7:2023', cwe: 918 } as const;

/** How long the listener waits for the target's callback after each request. */
export const CALLBACK_WAIT_MS = 3000;
const MAX_TARGETS = 8;
const URL_NAME = /(^|_|-)(url|uri|href|link|callback|webhook|endpoint|image_?url|avatar_?url|feed)$/i;

function isUrlField(name: string, schema: Schema): boolean {
  return (
    schema.type === 'string' && (schema.format === 'uri' || schema.format === 'url' || URL_NAME.test(name))
  );
}

/** A listener that resolves a promise per unique path when the target calls it. */
class Callbacks {
  readonly #waiting = new Map<string, (received: string) => void>();
  readonly server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    this.#waiting.get(path)?.(`${req.method} ${path} from ${req.socket.remoteAddress}`);
    res.writeHead(204).end();
  });

  async open(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Resolves with a description of the callback, or undefined after the wait. */
  expect(path: string, send: Promise<unknown>): Promise<string | undefined> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.#waiting.set(path, (received) => {
        clearTimeout(timer);
        resolve(received);
      });
      void send.finally(() => {
        timer = setTimeout(() => resolve(undefined), CALLBACK_WAIT_MS);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export const ssrfCheck: Check = {
  ...meta,
  budget: 20,
  async run(ctx: ScanContext) {
    const targets: Array<{ op: (typeof ctx.operations)[number]; name: string; where: 'body' | 'query' }> = [];
    for (const op of ctx.operations) {
      if (isAdminOperation(op) || (ctx.safe && op.method !== 'GET' && op.method !== 'POST')) continue;
      for (const [name, s] of Object.entries(propertiesOf(op.body)))
        if (isUrlField(name, s)) targets.push({ op, name, where: 'body' });
      for (const p of op.parameters)
        if (p.in === 'query' && isUrlField(p.name, p.schema))
          targets.push({ op, name: p.name, where: 'query' });
    }
    if (targets.length === 0) return;
    const callbacks = new Callbacks();
    const port = await callbacks.open();
    try {
      for (const { op, name, where } of targets.slice(0, MAX_TARGETS)) {
        const who = ctx.userA ?? ctx.admin;
        const params = paramsFor(ctx, op, who);
        if (params === undefined) continue;
        tested(ctx, meta.id, op);
        const path = `/rampart-ssrf/${uniqueTag()}`;
        const url = `http://127.0.0.1:${port}${path}`;
        const sent = call(ctx, op, who, {
          params,
          ...(where === 'query'
            ? { query: { [name]: url } }
            : { json: { ...(exampleOf(op.body) as object), [name]: url } }),
        });
        const received = await callbacks.expect(path, sent);
        const res = await sent;
        if (received === undefined) continue;
        ctx.findings.push(
          makeFinding(meta, {
            severity: 'high',
            title: `Server-side request forgery through ${where === 'body' ? 'body member' : 'query parameter'} "${name}"`,
            operation: op.key,
            description: `${op.key} fetched the URL given in "${name}": the scanner's listener on 127.0.0.1 received ${received}. An attacker can make the API call internal addresses (loopback, metadata services, private networks).`,
            proof: res,
            evidence: [[`the request (callback received: ${received})`, res]],
          }),
        );
      }
    } finally {
      await callbacks.close();
    }
  },
};
