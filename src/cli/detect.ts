// `rampart detect`: runs the threat-detection engine on one value or one raw HTTP request and prints
// the decoded forms, the findings and the score, for users tuning paranoia and exclusions.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CATEGORIES,
  type Category,
  createDetector,
  DEFAULT_HEADERS,
  DEFAULT_THRESHOLD,
  decodeLayers,
  type Input,
  type InputKind,
  type InspectionResult,
  inputsFromAllHeaders,
  inputsFromBody,
  inputsFromCookies,
  inputsFromHeaders,
  inputsFromPath,
  inputsFromPathSegments,
  inputsFromProtocolHeaders,
  inputsFromQuery,
  thresholdFor,
} from '../detect/index.ts';
import { type CliIo, pathIn, readStdin } from './io.ts';

const HELP = `Usage: rampart detect [options] [VALUE]
       rampart detect --request [FILE]

Inspects VALUE (or standard input when VALUE is absent or "-") with the detect engine and prints
its decoded form, the findings (rule, category, points, location, redacted excerpt) and the score.
With --request, FILE (or standard input) is a raw HTTP request: request line, headers, blank line,
body; its path, query, headers, cookies and body are inspected as the detect policy would.

  --json              one JSON document instead of text
  --paranoia N        1 (default) to 4
  --threshold N       anomaly score that blocks (default by paranoia: ${DEFAULT_THRESHOLD}, 3, 3, 2)
  --kind KIND         how VALUE reaches the engine: query (default), body, header, cookie, path, key
  --location LOC      the location VALUE is reported at (default: input), as exclusions name it
  --category C        only this category (repeatable): ${CATEGORIES.join(', ')}
  --header NAME       with --request: a header to inspect (repeatable; default: ${DEFAULT_HEADERS.join(', ')})
  --request           read a raw HTTP request instead of a value

Exit code: 1 when the input would be blocked (an attack), 0 when clean, 2 on a usage error.`;

/** Standard input and request files are read up to this size; the engine's own budget is 1 MiB. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;
const KINDS: readonly InputKind[] = ['query', 'body', 'header', 'cookie', 'path', 'key'];
/** Values are shown up to this many characters in text output. */
const SHOWN = 160;

/** Splits a raw HTTP/1.1 request (RFC 9112 §2.1) into its target, headers and body. */
export function parseRawRequest(raw: Buffer): {
  method: string;
  target: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
} {
  const text = raw.toString('latin1');
  let end = text.indexOf('\r\n\r\n');
  let gap = 4;
  const lf = text.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    gap = 2;
  }
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + gap);
  const [requestLine = '', ...fieldLines] = head.split(/\r?\n/);
  const parts = requestLine.trim().split(/\s+/);
  if (parts.length < 2) throw new UsageError('the request line must be "METHOD TARGET [HTTP/1.1]"');
  const headers: Record<string, string | string[]> = {};
  for (const line of fieldLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Field values are bytes; decode them as UTF-8 the way applications usually do.
    const value = Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8');
    const old = headers[name];
    headers[name] = old === undefined ? value : [...(Array.isArray(old) ? old : [old]), value];
  }
  let target = parts[1] ?? '/';
  // An absolute-form target (proxies, RFC 9112 §3.2.2): keep the path and query only.
  if (/^https?:\/\//i.test(target)) {
    const slash = target.indexOf('/', target.indexOf('//') + 2);
    target = slash < 0 ? '/' : target.slice(slash);
  }
  return { method: parts[0] ?? 'GET', target, headers, body };
}

class UsageError extends Error {}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function requestInputs(raw: Buffer, headerNames: readonly string[], paranoia: number): Input[] {
  const request = parseRawRequest(raw);
  const q = request.target.indexOf('?');
  const rawQuery = q < 0 ? '' : request.target.slice(q + 1);
  return [
    ...inputsFromPath(request.target),
    ...inputsFromPathSegments(request.target),
    ...(rawQuery.length > 0 ? inputsFromQuery(rawQuery) : []),
    // As the detect policy: every non-benign header from paranoia 2, the protocol headers always.
    ...(paranoia >= 2
      ? inputsFromAllHeaders(request.headers, headerNames)
      : inputsFromHeaders(request.headers, headerNames)),
    ...inputsFromProtocolHeaders(request.headers),
    ...inputsFromCookies(request.headers.cookie),
    ...(request.body.length > 0 ? inputsFromBody(request.body, first(request.headers['content-type'])) : []),
  ];
}

async function readSource(name: string | undefined, io: CliIo): Promise<Buffer> {
  let data: Buffer;
  try {
    data =
      name === undefined || name === '-'
        ? await readStdin(io, MAX_INPUT_BYTES)
        : readFileSync(pathIn(io, name));
  } catch (error) {
    // Exit 1 means "attack": an unreadable input is a usage error (2), never a verdict.
    throw new UsageError(`cannot read ${name ?? 'stdin'}: ${(error as Error).message}`);
  }
  if (data.length > MAX_INPUT_BYTES) throw new UsageError(`input larger than ${MAX_INPUT_BYTES} bytes`);
  return data;
}

function integer(text: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be ${min} to ${max}`);
  return n;
}

function shown(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > SHOWN ? `${quoted.slice(0, SHOWN)}… (${text.length} chars)` : quoted;
}

function printText(
  io: CliIo,
  inputs: readonly Input[],
  result: InspectionResult,
  paranoia: number,
  threshold: number,
): void {
  const out: string[] = [];
  if (inputs.length === 0) out.push('no inputs to inspect');
  for (const input of inputs) {
    // Plain member names (`q`, `user_id`) say nothing the location does not; show only odd ones.
    if (input.kind === 'key' && /^[\w.-]*$/.test(input.value)) continue;
    out.push(`${input.location} (${input.kind})`);
    out.push(`  raw      ${shown(input.value)}`);
    const decoded = decodeLayers(input.value);
    if (decoded !== input.value) out.push(`  decoded  ${shown(decoded)}`);
  }
  out.push('');
  if (result.findings.length === 0) out.push('findings: none');
  else {
    out.push('findings:');
    const width = Math.max(...result.findings.map((f) => f.rule.length));
    for (const f of result.findings) {
      out.push(
        `  ${f.rule.padEnd(width)}  ${String(f.score).padStart(2)} ${f.confidence.padEnd(6)}  ${f.location}  ${JSON.stringify(f.excerpt)}`,
      );
    }
  }
  if (result.overBudget) out.push('over the inspection budget: the rest of the input was not inspected');
  const verdict = result.blocked ? 'ATTACK (blocked)' : result.score > 0 ? 'clean (flagged)' : 'clean';
  out.push(`score ${result.score} / threshold ${threshold} at paranoia ${paranoia}: ${verdict}`);
  io.stdout.write(`${out.join('\n')}\n`);
}

/** Runs `rampart detect`; resolves to 1 for an attack, 0 when clean, 2 on a usage error. */
export async function runDetect(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        json: { type: 'boolean' },
        paranoia: { type: 'string' },
        threshold: { type: 'string' },
        kind: { type: 'string' },
        location: { type: 'string' },
        category: { type: 'string', multiple: true },
        header: { type: 'string', multiple: true },
        request: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError('give one VALUE (quote it) or none to read stdin');
    const paranoia = integer(values.paranoia, '--paranoia', 1, 4, 1);
    const threshold = integer(values.threshold, '--threshold', 1, 100, thresholdFor(paranoia));
    const kind = (values.kind ?? 'query') as InputKind;
    if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
    const categories = values.category as Category[] | undefined;
    const unknown = categories?.filter((c) => !CATEGORIES.includes(c)) ?? [];
    if (unknown.length > 0) throw new UsageError(`unknown category ${unknown.join(', ')}`);
    const headerNames = values.header?.map((h) => h.toLowerCase()) ?? DEFAULT_HEADERS;

    const arg = positionals[0];
    let inputs: Input[];
    if (values.request === true) inputs = requestInputs(await readSource(arg, io), headerNames, paranoia);
    else {
      const value =
        arg === undefined || arg === '-' ? (await readSource(undefined, io)).toString('utf8') : arg;
      // A value piped in usually ends with the shell's newline, which is not part of it.
      const trimmed = arg === undefined || arg === '-' ? value.replace(/\r?\n$/, '') : value;
      inputs = trimmed.length === 0 ? [] : [{ location: values.location ?? 'input', value: trimmed, kind }];
    }
    const detector = createDetector({
      paranoia,
      threshold,
      ...(categories === undefined ? {} : { categories }),
    });
    const result = detector.inspect(inputs);
    if (values.json === true) {
      const document = {
        paranoia,
        threshold,
        score: result.score,
        blocked: result.blocked,
        overBudget: result.overBudget,
        inputs: inputs.map((i) => ({
          location: i.location,
          kind: i.kind,
          raw: i.value,
          decoded: decodeLayers(i.value),
        })),
        findings: result.findings,
      };
      io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else printText(io, inputs, result, paranoia, threshold);
    return result.blocked ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`rampart detect: ${(error as Error).message}\n\n${HELP}\n`);
      return 2;
    }
    throw error;
  }
}
