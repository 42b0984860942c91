// The demo API's injection lab (vulnerable and secure modes only, described by lab-openapi.yaml):
// a document store, a ping tool, report previews and report lists, each planting one injection kind
// in vulnerable mode. Nothing is ever executed or read from disk: the "shell", the "database" and
// the "file system" are small in-memory models that only reproduce the observable effect.
import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asObject, HttpError, type Router } from './http.ts';
import { type Guard, requireCaller } from './modes.ts';

/** The virtual file system: the documents served, and a system file only traversal reaches. */
const FILES: ReadonlyMap<string, string> = new Map([
  ['/srv/docs/welcome.txt', 'Welcome to the demo API.\n'],
  ['/srv/docs/terms.txt', 'Use at your own risk.\n'],
  ['/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n'],
]);
const REPORTS = [
  { id: 1, tenant: 'default', title: 'Monthly revenue' },
  { id: 2, tenant: 'default', title: 'Active users' },
  { id: 3, tenant: 'acme', title: 'Acme orders' },
];
/** Longest delay an injected sleep may cause (the demo must stay cheap to attack). */
const MAX_SLEEP_SECONDS = 2;
const MAX_INPUT = 200;
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;

function bounded(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_INPUT)
    throw new HttpError(400, `${what} must be a string of 1..${MAX_INPUT} characters`);
  return value;
}

/** Planted flaw model: the SQL text outside string literals, where an injected call would run. */
function codeOutsideLiterals(sql: string): string {
  let code = '';
  let quoted = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'") {
      if (quoted && sql[i + 1] === "'") i++;
      else quoted = !quoted;
    } else if (!quoted) code += c;
  }
  return code.split('--')[0] ?? '';
}

/** Seconds an injected `SLEEP(n)`/`pg_sleep(n)` call in a query (outside literals) would wait. */
export function injectedSqlSleep(sql: string): number {
  const match = /\b(?:pg_)?sleep\(\s*([0-9]{1,2})\s*\)/i.exec(codeOutsideLiterals(sql));
  return match === null ? 0 : Math.min(Number(match[1]), MAX_SLEEP_SECONDS);
}

/** Seconds an injected `sleep n` would wait if `ping -c 1 <host>` went through a shell. */
export function injectedShellSleep(host: string): number {
  const commands = `ping -c 1 ${host}`.split(/;|\||&&|\$\(|`|\)|\n/);
  for (const command of commands) {
    const match = /^\s*sleep\s+([0-9]{1,2})\s*$/.exec(command);
    if (match !== null) return Math.min(Number(match[1]), MAX_SLEEP_SECONDS);
  }
  return 0;
}

/** Planted flaw model: `{{ a * b }}`-style integer arithmetic rendered by a careless template engine. */
export function renderUnsafe(template: string): string {
  return template.replace(/\{\{\s*([0-9]{1,6})\s*([*+-])\s*([0-9]{1,6})\s*\}\}/g, (_, a, op, b) => {
    const x = Number(a);
    const y = Number(b);
    return String(op === '*' ? x * y : op === '+' ? x + y : x - y);
  });
}

/** Registers /docs/{name}, /tools/ping, /reports and /reports/preview. */
export function registerLabRoutes(router: Router, guard: Guard): void {
  const vulnerable = guard.mode === 'vulnerable';

  router.add('GET', '/docs/:name', ({ req, params }) => {
    requireCaller(guard, req);
    const name = bounded(params.name, 'name');
    // Planted flaw (vulnerable, path traversal): the name is joined to the folder and normalized.
    if (!vulnerable && (name.includes('/') || name.includes('\\') || name.startsWith('.')))
      throw new HttpError(404, 'document not found');
    const content = FILES.get(posix.normalize(`/srv/docs/${name}`));
    if (content === undefined) throw new HttpError(404, 'document not found');
    return { status: 200, body: { name, content } };
  });

  router.add('GET', '/tools/ping', async ({ req, query }) => {
    requireCaller(guard, req);
    const host = bounded(query.get('host') ?? undefined, 'host');
    // Planted flaw (vulnerable, OS command injection): the host is pasted into a shell command line.
    if (vulnerable) {
      const seconds = injectedShellSleep(host);
      if (seconds > 0) await sleep(seconds * 1000);
    } else if (!HOSTNAME.test(host)) throw new HttpError(400, 'host must be a host name');
    return { status: 200, body: { host, reachable: host === 'localhost' || host === '127.0.0.1' } };
  });

  router.add('GET', '/reports', async ({ req }) => {
    requireCaller(guard, req);
    const header = req.headers['x-tenant'];
    const tenant = typeof header === 'string' && header !== '' ? bounded(header, 'X-Tenant') : 'default';
    // Planted flaw (vulnerable, time-based SQL injection): the tenant header is concatenated.
    if (vulnerable) {
      const seconds = injectedSqlSleep(`SELECT * FROM reports WHERE tenant = '${tenant}'`);
      if (seconds > 0) await sleep(seconds * 1000);
    }
    const items = REPORTS.filter((r) => r.tenant === tenant);
    return { status: 200, body: { items, total: items.length } };
  });

  router.add('POST', '/reports/preview', async (ctx) => {
    requireCaller(guard, ctx.req);
    const body = asObject(await ctx.json());
    const title = bounded(body.title, 'title');
    // Planted flaw (vulnerable, template injection): the title is rendered as a template.
    return { status: 200, body: { preview: vulnerable ? renderUnsafe(title) : title } };
  });
}
