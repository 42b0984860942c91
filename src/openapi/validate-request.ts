// Checks one request against its operation: parameters by style, unknown query members, the body's
// media type (415) and the body against its schema. Returns violations by location, never values.
import { type MultipartLimits, readBody } from './body-reader.ts';
import { type CompiledOperation, violationsOf } from './contract.ts';
import { essenceOf, pickMediaType } from './media-type.ts';
import { readParameters } from './parameters.ts';
import { memberSegment, type Violation } from './violations.ts';

/** The parts of a request the validator reads. */
export interface RequestInput {
  /** Path parameters as matched against the spec's template. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The buffered body; undefined or empty when there is none. */
  readonly body: Buffer | undefined;
}

/** Validation knobs. */
export interface RequestCheckOptions {
  readonly rejectUnknownQuery: boolean;
  /** Query parameters that carry credentials (apiKey schemes `in: query`): never unknown. */
  readonly credentialQuery?: ReadonlySet<string>;
  readonly maxViolations: number;
  readonly multipart: MultipartLimits;
}

/** The outcome: `media` means the content type is not one the operation accepts (415). */
export type RequestCheck =
  | { readonly kind: 'ok'; readonly body: unknown; readonly bodySchema: unknown }
  | { readonly kind: 'invalid'; readonly violations: readonly Violation[] }
  | { readonly kind: 'media'; readonly accepted: readonly string[] };

/** Validates a request against a compiled operation. */
export function checkRequest(
  document: unknown,
  compiled: CompiledOperation,
  input: RequestInput,
  options: RequestCheckOptions,
): RequestCheck | Promise<RequestCheck> {
  const violations: Violation[] = [];
  const params = readParameters(document, compiled.operation.parameters, {
    path: input.pathParams,
    query: input.query,
    headers: input.headers,
  });
  violations.push(...params.violations);
  if (options.rejectUnknownQuery) {
    for (const name of params.unknown) {
      if (compiled.impliedQuery.has(name) || options.credentialQuery?.has(name) === true) continue;
      violations.push({ location: `query${memberSegment(name)}`, message: 'is not a declared parameter' });
    }
  }
  if (!compiled.params(params.values)) {
    violations.push(...violationsOf(compiled.params.errors, options.maxViolations));
  }

  const body = input.body;
  const hasBody = body !== undefined && body.length > 0;
  if (!hasBody) {
    if (compiled.bodyRequired) violations.push({ location: 'body', message: 'is required' });
    return finishCheck(violations, options, undefined, undefined);
  }
  if (compiled.media.size === 0) {
    violations.push({ location: 'body', message: 'is not expected for this operation' });
    return finishCheck(violations, options, undefined, undefined);
  }
  const rawType = input.headers['content-type'];
  const contentType = Array.isArray(rawType) ? rawType[0] : rawType;
  const essence = essenceOf(contentType);
  const media = essence === undefined ? undefined : pickMediaType(compiled.media, essence);
  if (media === undefined) return { kind: 'media', accepted: [...compiled.media.keys()] };

  const read = readBody(document, media.schema, media.format, body, contentType ?? '', options.multipart);
  const afterRead = (result: Awaited<typeof read>): RequestCheck => {
    if (!result.ok) {
      violations.push({ location: 'body', message: result.message });
      return finishCheck(violations, options, undefined, undefined);
    }
    const validate = media.validate;
    if (validate !== undefined && result.value !== undefined && !validate(result.value)) {
      violations.push(...violationsOf(validate.errors, options.maxViolations, '/body'));
    }
    return finishCheck(violations, options, result.value, media.schema);
  };
  return read instanceof Promise ? read.then(afterRead) : afterRead(read);
}

function finishCheck(
  violations: Violation[],
  options: RequestCheckOptions,
  body: unknown,
  bodySchema: unknown,
): RequestCheck {
  if (violations.length === 0) return { kind: 'ok', body, bodySchema };
  return { kind: 'invalid', violations: violations.slice(0, options.maxViolations) };
}
