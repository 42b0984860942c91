// `rampart scan`: attacks an API described by an OpenAPI spec and reports what it proves open.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UnreachableError } from '../scanner/client.ts';
import { createIdentities, type IdentitySpec, LoginError, loadAuthProfile } from '../scanner/identities.ts';
import { readWordlist } from '../scanner/jwt-crack.ts';
import { toHtml } from '../scanner/report/html.ts';
import { toJunit } from '../scanner/report/junit.ts';
import { toSarif } from '../scanner/report/sarif.ts';
import { progressBar, toText } from '../scanner/report/text.ts';
import { CHECKS, runScan, type ScanResult } from '../scanner/runner.ts';
import { loadScanSpecs } from '../scanner/spec.ts';
import { SEVERITIES, type Severity } from '../scanner/types.ts';
import { type CliIo, pathIn } from './io.ts';

const HELP = `Usage: rampart scan --spec SPEC --target URL [options]

  --spec FILE          OpenAPI 3.0/3.1 document (YAML or JSON); repeat for an API described in parts
  --target URL         the API to scan (overrides the spec's servers); nothing else is contacted
  --auth FILE          identities: anonymous, users, admin (static headers or a login flow)
  --safe               send only GET, HEAD, OPTIONS, TRACE and POST: no PUT, PATCH or DELETE, so
                       nothing is changed or deleted (POSTs still create objects and accounts,
                       which are listed as leftovers because nothing can delete them)
  --allow-destructive  also call operations whose path, operationId, summary or tags say reset,
                       seed, drop, purge, init or populate (never called otherwise)
  --jwt-wordlist FILE  more candidate secrets (one a line) for offline JWT key recovery
  --only CHECKS        comma-separated: ${CHECKS.map((c) => c.id).join(', ')}
  --format F           text (default), json, sarif, junit, html
  --out FILE           write the report there instead of standard output
  --fail-on LEVEL      exit 1 when a finding is at least low, medium, high or critical (default: high)
  --max-requests N     total request budget (default 1500)

Exit code: 0 no finding at the --fail-on level, 1 at least one, 2 could not scan (usage error,
a login of the auth profile failed, the target never answered).`;

const FORMATS = ['text', 'json', 'sarif', 'junit', 'html'] as const;

class UsageError extends Error {}

/** Renders a result in one of the report formats. */
export function render(result: ScanResult, format: (typeof FORMATS)[number], specUri: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(result, specUri, result.version), null, 2)}\n`;
    case 'junit':
      return toJunit(result);
    case 'html':
      return toHtml(result);
    default:
      return toText(result);
  }
}

/** Runs `rampart scan`; resolves to the exit code. */
export async function runScanCommand(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        spec: { type: 'string', multiple: true },
        target: { type: 'string' },
        auth: { type: 'string' },
        safe: { type: 'boolean' },
        'allow-destructive': { type: 'boolean' },
        'jwt-wordlist': { type: 'string' },
        only: { type: 'string', multiple: true },
        format: { type: 'string' },
        out: { type: 'string' },
        'fail-on': { type: 'string' },
        'max-requests': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help === true) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (values.spec === undefined || values.spec.length === 0 || values.target === undefined)
      throw new UsageError('--spec and --target are required');
    let target: URL;
    try {
      target = new URL(values.target);
    } catch {
      throw new UsageError('--target must be an absolute http(s) URL');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new UsageError('--target must be http or https');
    const format = (values.format ?? 'text') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const failOn = (values['fail-on'] ?? 'high') as Severity;
    if (!SEVERITIES.includes(failOn))
      throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
    const only = values.only
      ?.flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    const unknown = only?.filter((id) => !CHECKS.some((c) => c.id === id)) ?? [];
    if (unknown.length > 0) throw new UsageError(`unknown check ${unknown.join(', ')}`);
    const maxRequests = values['max-requests'] === undefined ? 1500 : Number(values['max-requests']);
    if (!Number.isInteger(maxRequests) || maxRequests < 1 || maxRequests > 100_000)
      throw new UsageError('--max-requests must be 1..100000');
    const operations = loadScanSpecs(values.spec.map((file) => pathIn(io, file)));
    const identities: IdentitySpec[] =
      values.auth === undefined
        ? createIdentities([]).map((i) => i.spec)
        : loadAuthProfile(pathIn(io, values.auth), io.env);
    const jwtWordlist =
      values['jwt-wordlist'] === undefined ? [] : readWordlist(pathIn(io, values['jwt-wordlist']));
    const result = await runScan({
      target,
      operations,
      identities,
      safe: values.safe === true,
      allowDestructive: values['allow-destructive'] === true,
      jwtWordlist,
      ...(only === undefined ? {} : { only }),
      maxRequests,
      onProgress: progressBar(io.stderr),
    });
    if (result.requests > 0 && result.unanswered === result.requests) {
      io.stderr.write(`rampart scan: ${target.href} never answered (${result.requests} requests)\n`);
      return 2;
    }
    const report = render(result, format, values.spec[0]!);
    if (values.out === undefined) io.stdout.write(report);
    else {
      writeFileSync(pathIn(io, values.out), report);
      io.stderr.write(
        `${result.findings.length} findings, ${result.requests} requests; report written to ${values.out}\n`,
      );
    }
    const threshold = SEVERITIES.indexOf(failOn);
    return result.findings.some((f) => SEVERITIES.indexOf(f.severity) >= threshold) ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`rampart scan: ${(error as Error).message}\n\n${HELP}\n`);
      return 2;
    }
    if (error instanceof LoginError || error instanceof UnreachableError) {
      io.stderr.write(`rampart scan: could not scan: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
