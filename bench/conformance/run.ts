// Runs generated valid requests through the real openapi-validate (strict defaults) and detect
// (schema-aware, paranoia 1) policies in memory and counts what they refuse: every refusal of a
// valid request is a false refusal, unless the spec's own example contradicts its schema.
import { dirname, resolve } from 'node:path';
import { indexOperations, loadSpecFile, type Operation } from '../../src/openapi/index.ts';
import { detect } from '../../src/policies/detect/index.ts';
import { openapiValidate } from '../../src/policies/openapi-validate/index.ts';
import type { PolicyHandlers, Verdict } from '../../src/policies/policy.ts';
import { configFor, contextFor, depsFor } from '../../test/helpers/context.ts';
import { NotGenerated } from './instance.ts';
import { type GeneratedRequest, RequestBuilder } from './requests.ts';

/** What to run. */
export interface ConformanceOptions {
  /** Keep only these operations (by operationId or `METHOD /path`). */
  readonly only?: ReadonlySet<string>;
  /** Keep at most this many operations, evenly spaced through the spec. */
  readonly sample?: number;
  /** openapi-validate's compile mode (eager is its default; lazy compiles only what is asked). */
  readonly compile?: 'eager' | 'lazy';
  /** Also send a full request per operation (every optional member and parameter). */
  readonly full?: boolean;
  /** Stop starting new operations after this many milliseconds (the report says so). */
  readonly budgetMs?: number;
}

/** One refusal by openapi-validate. */
export interface ValidateRefusal {
  readonly operation: string;
  readonly code: string;
  readonly location: string | undefined;
  readonly violations: readonly { location: string; message: string }[];
}

/** One finding (deny or flag) by detect on a valid request. */
export interface DetectFinding {
  readonly operation: string;
  readonly rule: string;
  readonly location: string;
  readonly value: string;
  readonly denied: boolean;
}

/** The outcome for one spec. */
export interface ConformanceReport {
  readonly spec: string;
  readonly version: string;
  readonly operations: number;
  /** Operations run (after `only`/`sample` and the time budget). */
  readonly selected: number;
  readonly requests: number;
  /** Requests that used at least one of the spec's own examples. */
  readonly fromExamples: number;
  readonly notGenerated: ReadonlyMap<string, number>;
  /** Refused although valid: the validator's fault. */
  readonly falseRefusals: readonly ValidateRefusal[];
  /** Refused with the spec's own example values, accepted with schema-generated ones: the spec contradicts itself. */
  readonly exampleContradictions: readonly ValidateRefusal[];
  /** Refused with the spec's example values where no example-free request could be made to compare: judged by reading. */
  readonly exampleUndecided: readonly ValidateRefusal[];
  readonly detectDenied: readonly DetectFinding[];
  readonly detectFlagged: readonly DetectFinding[];
  /** Full requests (every optional member and parameter, schema-generated) made and refused. */
  readonly fullRequests: number;
  readonly fullRefusals: readonly ValidateRefusal[];
  /** Keywords relaxed at load and checks that did not compile. */
  readonly relaxed: number;
  readonly warnings: readonly string[];
  readonly stoppedEarly: boolean;
  readonly loadMs: number;
  readonly runMs: number;
}

/** At most this many named examples of one operation are sent, each as its own request. */
const MAX_VARIANTS = 6;
/** Full requests: sources and the oneOf/anyOf option each choice starts from. */
const FULL_ATTEMPTS = [
  ['full', 0],
  ['full', 1],
  ['full', 2],
  ['nulls', 0],
] as const;

const nameOf = (operation: Operation) => operation.operationId ?? `${operation.method} ${operation.path}`;

function select(operations: readonly Operation[], options: ConformanceOptions): Operation[] {
  let list = [...operations];
  if (options.only !== undefined) {
    const only = options.only;
    list = list.filter((op) => only.has(nameOf(op)) || only.has(`${op.method} ${op.path}`));
  }
  if (options.sample !== undefined && list.length > options.sample) {
    const step = list.length / options.sample;
    list = Array.from({ length: options.sample }, (_, i) => list[Math.floor(i * step)]!);
  }
  return list;
}

function contextOf(request: GeneratedRequest) {
  return contextFor({
    method: request.method,
    rawUrl: request.rawUrl,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

async function refusalOf(handlers: PolicyHandlers, request: GeneratedRequest, operation: string) {
  const verdict: Verdict = await handlers.onRequest!(contextOf(request));
  if (verdict.kind !== 'deny') return undefined;
  const violations = (verdict.extensions?.violations ?? []) as ValidateRefusal['violations'];
  return { operation, code: verdict.code, location: verdict.location, violations };
}

/** The value at a finding's location in the request, for the benign set (query, header or body member). */
function valueAt(request: GeneratedRequest, location: string): string {
  const [where, ...rest] = location.split('.');
  const name = rest.join('.');
  if (where === 'query') return new URLSearchParams(request.rawUrl.split('?')[1] ?? '').get(name) ?? '';
  if (where === 'header') return request.headers[name] ?? '';
  if (where === 'path') return decodeURIComponent(request.rawUrl.split('?')[0]!);
  const type = request.headers['content-type'] ?? '';
  if (
    where === 'body' &&
    typeof request.body === 'string' &&
    type.startsWith('application/x-www-form-urlencoded')
  )
    return new URLSearchParams(request.body).get(name) ?? request.body;
  if (where === 'body' && typeof request.body === 'string') {
    try {
      let value: unknown = JSON.parse(request.body);
      for (const key of name === ''
        ? []
        : name.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '')) {
        value =
          value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      }
      return typeof value === 'string' ? value : JSON.stringify(value ?? '');
    } catch {
      return request.body;
    }
  }
  return '';
}

/** Runs the conformance check on one spec file. */
export async function runConformance(
  specPath: string,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const started = Date.now();
  const path = resolve(specPath);
  const baseDir = dirname(path);
  const spec = loadSpecFile(path);
  const index = indexOperations(spec, {});
  const loadMs = Date.now() - started;
  const deps = depsFor({ baseDir });
  // The access helper's credential-presence check (if merged) is satisfied: every request carries the
  // credentials its operation's security requirement names.
  const validate = openapiValidate.create(
    configFor(openapiValidate, { spec: path, compile: options.compile ?? 'eager' }),
    deps,
  );
  const threat = detect.create(configFor(detect, { spec: path, paranoia: 1 }), deps);
  const builder = new RequestBuilder(spec.document, spec.version);

  const operations = select(index.operations, options);
  const notGenerated = new Map<string, number>();
  const falseRefusals: ValidateRefusal[] = [];
  const exampleContradictions: ValidateRefusal[] = [];
  const exampleUndecided: ValidateRefusal[] = [];
  const detectDenied: DetectFinding[] = [];
  const detectFlagged: DetectFinding[] = [];
  const fullRefusals: ValidateRefusal[] = [];
  let fullRequests = 0;
  let requests = 0;
  let fromExamples = 0;
  let selected = 0;
  let stoppedEarly = false;
  /** Runs detect on a valid request and records what it denies or flags, with the value found there. */
  const inspect = async (request: GeneratedRequest, name: string) => {
    const ctx = contextOf(request);
    const verdict = threat.onRequest!(ctx);
    const outcome = verdict instanceof Promise ? await verdict : verdict;
    if (outcome.kind === 'deny') {
      const location = outcome.location ?? '';
      const value = valueAt(request, location);
      detectDenied.push({
        operation: name,
        rule: outcome.rule ?? outcome.code,
        location,
        value,
        denied: true,
      });
    }
    for (const event of ctx.events) {
      const location = event.location ?? '';
      const value = valueAt(request, location);
      detectFlagged.push({ operation: name, rule: event.rule ?? '', location, value, denied: false });
    }
  };
  const runStart = Date.now();
  for (const operation of operations) {
    if (options.budgetMs !== undefined && Date.now() - runStart > options.budgetMs) {
      stoppedEarly = true;
      break;
    }
    selected++;
    const name = nameOf(operation);
    const variants = Math.min(builder.exampleVariants(operation), MAX_VARIANTS);
    for (let variant = 0; variant < variants; variant++) {
      const label = variant === 0 ? name : `${name} (example ${variant + 1})`;
      let request: GeneratedRequest;
      try {
        request = builder.build(operation, 'examples', variant);
      } catch (error) {
        if (!(error instanceof NotGenerated)) throw error;
        if (variant === 0) notGenerated.set(error.why, (notGenerated.get(error.why) ?? 0) + 1);
        continue;
      }
      requests++;
      if (request.fromExamples) fromExamples++;
      const refusal = await refusalOf(validate, request, label);
      if (refusal !== undefined) {
        // Example values refused: decide between the validator and the spec with schema-only values.
        let generated: GeneratedRequest | undefined;
        if (request.fromExamples) {
          try {
            generated = builder.build(operation, 'schema', variant);
          } catch (error) {
            if (!(error instanceof NotGenerated)) throw error;
          }
        }
        const again = generated === undefined ? refusal : await refusalOf(validate, generated, label);
        if (request.fromExamples && generated === undefined) exampleUndecided.push(refusal);
        else if (again === undefined) exampleContradictions.push(refusal);
        else falseRefusals.push(again);
      }
      await inspect(request, label);
    }
    // Full requests: every optional member and parameter (oneOf/anyOf options taken in turn), then
    // with null wherever the schema allows it.
    const full = options.full === true ? FULL_ATTEMPTS : [];
    for (const [source, variant] of full) {
      let request: GeneratedRequest | undefined;
      try {
        request = builder.build(operation, source, variant);
      } catch (error) {
        if (!(error instanceof NotGenerated)) throw error;
      }
      if (request === undefined) continue;
      fullRequests++;
      const label = `${name} (${source}${variant === 0 ? '' : ` ${variant + 1}`})`;
      const refused = await refusalOf(validate, request, label);
      if (refused !== undefined) fullRefusals.push(refused);
      await inspect(request, label);
    }
  }
  return {
    spec: specPath,
    version: spec.document.openapi,
    operations: index.operations.length,
    selected,
    requests,
    fromExamples,
    notGenerated,
    falseRefusals,
    exampleContradictions,
    exampleUndecided,
    detectDenied,
    detectFlagged,
    fullRequests,
    fullRefusals,
    relaxed: spec.relaxed.length,
    warnings: [],
    stoppedEarly,
    loadMs,
    runMs: Date.now() - runStart,
  };
}
