// The detect behaviour: builds the request's inputs from the context, runs the engine, and denies
// or flags. The engine is compiled once per config version; each request only extracts and scans.
import {
  createDetector,
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
import { jsonOf } from '../../openapi/index.ts';
import type { PolicyContext, PolicyDeps, PolicyHandlers } from '../policy.ts';
import type { DetectConfig } from './config.ts';
import { compileSchemaAwareness, narrowInputs } from './schema-aware.ts';
import { detectionVerdict } from './verdict.ts';

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
    const body = ctx.body;
    if (inspect.body && body !== undefined && body.length > 0) {
      // The JSON value other policies parsed (openapi-validate, say) is screened, not parsed again.
      inputs.push(
        ...inputsFromBody(body, headerValue(ctx.headers['content-type']), {
          screenJson: true,
          parsedBody: (text) => jsonOf(body, text),
        }),
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
      return detectionVerdict(ctx, engine.inspect(inputsOf(ctx)), budgetBytes);
    },
  };
}
