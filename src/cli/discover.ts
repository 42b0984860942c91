// `rampart discover --target URL...`: probes the given hosts for API surfaces and prints what answered
// (text or JSON); `--save DIR` writes the specs found there. Only the hosts given are contacted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { discover, type TargetReport } from '../inventory/discover.ts';
import { PROBES } from '../inventory/discover-probes.ts';
import { type CliIo, pathIn } from './io.ts';

const HELP = `Usage: rampart discover --target URL [--target URL]... [options]

Probes each host (only those given) for API surfaces: ${PROBES.length} well-known paths of OpenAPI and
Swagger descriptions and docs pages, GraphQL endpoints (a {__typename} query, then whether
introspection is open), version prefixes, framework and debug paths. A host that does not answer is
reported unreachable and probed no further. Redirects are reported, never followed.

  --rate N         requests per second per host (default 10, at most 100)
  --timeout MS     per request (default 5000)
  --save DIR       write every spec found there (one JSON file per host and path)
  --json           print the reports as JSON (with the specs' documents)

Exit code: 0 something answered, 1 nothing did, 2 usage error.`;

class UsageError extends Error {}

function formatReport(report: TargetReport): string {
  const lines = [`${report.target}`];
  if (!report.reachable) {
    lines.push(`  unreachable (${report.error ?? 'no answer'}), ${report.requests} request`);
    return lines.join('\n');
  }
  lines.push(`  ${report.requests} requests; a path that cannot exist answers ${report.baselineStatus}`);
  if (report.answers.length === 0) lines.push('  nothing answered');
  for (const answer of report.answers) {
    lines.push(`  ${String(answer.status).padEnd(4)}${answer.category.padEnd(10)}${answer.path}`);
    for (const note of answer.notes) lines.push(`        ${note}`);
  }
  return lines.join('\n');
}

function fileNameOf(target: string, path: string): string {
  return `${new URL(target).host}${path}`.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 200);
}

/** Runs `rampart discover`. */
export async function runDiscover(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        target: { type: 'string', multiple: true },
        rate: { type: 'string' },
        timeout: { type: 'string' },
        save: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help === true) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (values.target === undefined || values.target.length === 0)
      throw new UsageError('--target is required');
    if (values.target.length > 64) throw new UsageError('at most 64 targets');
    const targets = values.target.map((text) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new UsageError(`--target ${text}: not an absolute URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new UsageError(`--target ${text}: http or https only`);
      return url;
    });
    const rate = values.rate === undefined ? 10 : Number(values.rate);
    if (!Number.isFinite(rate) || rate <= 0 || rate > 100) throw new UsageError('--rate must be 1..100');
    const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)
      throw new UsageError('--timeout must be 100..60000');
    const reports = await discover({ targets, ratePerSecond: rate, timeoutMs });
    if (values.save !== undefined) {
      const dir = pathIn(io, values.save);
      mkdirSync(dir, { recursive: true });
      for (const report of reports)
        for (const answer of report.answers)
          if (answer.spec !== undefined)
            writeFileSync(
              join(dir, `${fileNameOf(report.target, answer.path)}.json`),
              JSON.stringify(answer.spec.document, null, 2),
            );
    }
    if (values.json === true) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else io.stdout.write(`${reports.map(formatReport).join('\n\n')}\n`);
    return reports.some((report) => report.answers.length > 0) ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`rampart discover: ${(error as Error).message}\n\n${HELP}\n`);
      return 2;
    }
    throw error;
  }
}
