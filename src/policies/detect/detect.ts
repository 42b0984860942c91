// The detect behaviour: builds the request's inputs from the context, runs the engine, and denies
// or flags. The engine is compiled once per config version; each request only extracts and scans.
import {
  createDetector,
  type Finding,
  type Input,
  inputsFromAllHeaders,
  inputsFromBody,
  inputsFromCookies,
  inputsFromHeaders,
  inputsFromPath,
  inputsFromPathSegments,
  inputsFromProtocolHeaders,
  inputsFromQuery,
} from '../../detect/index.ts';
import { parseBytes } from '../../lib/bytes.ts';
import {
  CONTINUE,
  deny,
  type PolicyContext,
  type PolicyDeps,
  type PolicyHandlers,
  type SecurityEvent,
} from '../policy.ts';
import type { DetectConfig } from './config.ts';
import { compileSchemaAwareness, narrowInputs } from './schema-aware.ts';

/** At most this many flags are emitted per request (the rest are counted in the annotation). */
const MAX_FLAGS = 16;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function severityOf(finding: Finding): NonNullable<SecurityEvent['severity']> {
  return finding.score >= 5 ? 'high' : finding.score >= 3 ? 'medium' : 'low';
}

/** Builds the policy's handlers from a validated config. */
export function createDetect(config: DetectConfig, deps: PolicyDeps): PolicyHandlers {
  const inspect = config.inspect;
  const budgetBytes = parseBytes(config.budget ?? '1mb');
  const engine = createDetector({
    paranoia: config.paranoia,
    ...(config.threshold === undefined ? {} : { threshold: config.threshold }),
    ...(config.categories === undefined ? {} : { categories: config.categories }),
    exclusions: config.exclusions,
    budgetBytes,
    overBudget: config.overBudget,
  });

  const schema = config.spec === undefined ? undefined : compileSchemaAwareness(config.spec, deps);
  if (schema !== undefined) {
    deps.log.info(
      { spec: config.spec, operations: schema.operations },
      'detect: schema-aware fields compiled',
    );
  }

  function inputsOf(ctx: PolicyContext): Input[] {
    const inputs: Input[] = [];
    if (inspect.path) inputs.push(...inputsFromPath(ctx.rawUrl));
    if (inspect.query && ctx.rawQuery.length > 0) inputs.push(...inputsFromQuery(ctx.rawQuery));
    if (inspect.headers) {
      // From paranoia 2 every header but protocol metadata and credentials; the protocol headers
      // always, for the anomaly checks.
      inputs.push(
        ...(config.paranoia >= 2
          ? inputsFromAllHeaders(ctx.headers, config.headers)
          : inputsFromHeaders(ctx.headers, config.headers)),
        ...inputsFromProtocolHeaders(ctx.headers),
      );
    }
    if (inspect.cookies) inputs.push(...inputsFromCookies(ctx.headers.cookie));
    if (inspect.body && ctx.body !== undefined && ctx.body.length > 0) {
      inputs.push(
        ...inputsFromBody(ctx.body, headerValue(ctx.headers['content-type']), { screenJson: true }),
      );
    }
    const fields = schema?.fieldsFor(ctx);
    const narrowed = fields === undefined ? inputs : narrowInputs(inputs, fields, ctx.body);
    // Path segments one by one (route parameters); the contract's narrowly typed ones are skipped.
    if (inspect.path)
      narrowed.push(...inputsFromPathSegments(ctx.rawUrl, new Set(fields?.pathSegments ?? [])));
    return narrowed;
  }

  return {
    needs: { requestBody: inspect.body },
    onRequest(ctx) {
      const result = engine.inspect(inputsOf(ctx));
      if (result.score > 0) ctx.annotate('threat_score', result.score);
      const top = result.findings[0];
      const denied = result.blocked && top !== undefined && result.score >= result.threshold;
      const flags = denied ? result.findings.slice(1) : result.findings;
      for (const finding of flags.slice(0, MAX_FLAGS)) {
        ctx.emit({
          rule: finding.rule,
          location: finding.location,
          evidence: finding.excerpt,
          reason: `${finding.category} finding, score ${finding.score}`,
          severity: severityOf(finding),
        });
      }
      if (denied) {
        return deny('RAMPART_THREAT_DETECTED', {
          rule: top.rule,
          location: top.location,
          reason: `${top.rule} at ${top.location} (request score ${result.score}): ${top.excerpt}`,
        });
      }
      if (result.overBudget) {
        if (result.blocked) {
          return deny('RAMPART_THREAT_INSPECTION_BUDGET', {
            rule: 'budget',
            reason: `request inputs exceed the inspection budget of ${budgetBytes} bytes`,
          });
        }
        ctx.emit({
          rule: 'budget',
          reason: `inputs beyond ${budgetBytes} bytes were not inspected`,
          severity: 'medium',
        });
      }
      return CONTINUE;
    },
  };
}
