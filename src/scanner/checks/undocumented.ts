// Undocumented endpoints: a bounded list of debug, admin and actuator-like paths next to the
// documented ones; a finding needs a successful answer that differs from the answer to a random
// path (so catch-all routes and single-page fallbacks do not count).
import { signatureOf } from '../compare.ts';
import { fitsTemplate, ok, type ScanContext, tested } from '../context.ts';
import { makeFinding } from '../finding.ts';
import { credentials } from '../identities.ts';
import type { Exchange } from '../types.ts';
import { uniqueTag } from '../values.ts';
import type { Check } from './check.ts';

const meta = { id: 'undocumented', title: 'Undocumented endpoint', owasp: 'API9:2023', cwe: 1059 } as const;

/** Names tried under each documented prefix (read-only GETs; nothing that resets or changes). */
export const SHADOW_NAMES = [
  'debug',
  '_debug',
  '__debug__',
  'admin',
  'internal',
  'actuator',
  'actuator/env',
  'actuator/heapdump',
  'env',
  '.env',
  'config',
  'metrics',
  'server-status',
  'console',
  'dump',
  'backup',
  '.git/config',
  'phpinfo.php',
] as const;
const MAX_PREFIXES = 3;
const SECRET_TEXT = /pass(word)?|secret|private_?key|api_?key|signing_?key|token/i;

/** Static prefixes of documented paths, longest first (`/api/v2/notes/{slug}` → `/api/v2`). */
export function prefixesOf(paths: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const path of paths) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      if (parts[i]!.includes('{')) break;
      const prefix = `/${parts.slice(0, i).join('/')}`.replace(/\/$/, '');
      counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .map(([prefix]) => prefix)
    .slice(0, MAX_PREFIXES);
}

export const undocumentedCheck: Check = {
  ...meta,
  budget: 80,
  async run(ctx: ScanContext) {
    const templates = ctx.operations.map((o) => o.path);
    const who = ctx.userA ?? ctx.admin;
    const headers = who === undefined ? {} : await credentials(ctx.client, who);
    const get = (path: string): Promise<Exchange> =>
      ctx.client.send({ method: 'GET', path, headers, identity: who?.name, operation: undefined });
    for (const prefix of prefixesOf(ctx.operations.map((o) => o.path))) {
      const control = await get(`${prefix}/rampart-${uniqueTag()}`);
      for (const name of SHADOW_NAMES) {
        const path = `${prefix}/${name}`;
        // A documented template may take the name as a value (`/users/{name}` and `/users/admin`).
        if (templates.some((t) => fitsTemplate(path, t))) continue;
        tested(ctx, meta.id, `GET ${path}`);
        const res = await get(path);
        if (!ok(res) || res.body === '' || signatureOf(res) === signatureOf(control)) continue;
        const secrets = SECRET_TEXT.test(res.body);
        ctx.findings.push(
          makeFinding(meta, {
            title: `Undocumented endpoint answers: ${path}`,
            severity: secrets ? 'high' : 'medium',
            operation: `GET ${path}`,
            description: `GET ${path} is not in the spec but answers ${res.status}${secrets ? ' with secret-like content' : ''}, unlike a random path next to it (${control.status}). Undocumented debug, admin and actuator endpoints escape review and gateway rules.`,
            proof: res,
            evidence: [
              ['the undocumented path', res],
              ['a random path next to it', control],
            ],
          }),
        );
      }
    }
  },
};
