// Reads a buffered request body into a JSON value per media type: JSON, URL-encoded forms (values
// coerced to their declared types) and multipart/form-data through busboy with limits on parts,
// fields and sizes.
import busboy from 'busboy';
import { bracketPath, childSchema, declaresMember, plainCopy, setBracketValue } from './form-brackets.ts';
import { jsonOf } from './json-body.ts';
import type { BodyFormat } from './media-type.ts';
import { coerceScalar } from './parameters.ts';
import { deref, isObject } from './pointer.ts';

/** Limits for multipart bodies. */
export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxFieldBytes: number;
  readonly maxFileBytes: number;
}

/** A body read, or why it could not be. */
export type ReadBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

/** A form member's schema: declared (also through allOf/anyOf/oneOf) or allowed by additionalProperties. */
function memberSchema(document: unknown, schema: unknown, name: string): unknown {
  return childSchema(document, schema, name);
}

function safe(document: unknown, schema: unknown): unknown {
  try {
    return deref(document, schema);
  } catch {
    return undefined;
  }
}

function isArraySchema(document: unknown, schema: unknown): boolean {
  const value = safe(document, schema);
  return (
    isObject(value) && (value.type === 'array' || (Array.isArray(value.type) && value.type.includes('array')))
  );
}

/** Adds a form member: declared arrays collect repeats; a repeated scalar becomes an array (and fails). */
function addMember(
  document: unknown,
  schema: unknown,
  out: Record<string, unknown>,
  name: string,
  raw: string,
): void {
  const member = memberSchema(document, schema, name);
  // `metadata[plan]=pro`: a nested member in bracket form (deepObject encoding), unless the spec
  // declares a member named so literally. A path that does not fit stays a flat (undeclared) member.
  const path = declaresMember(document, schema, name) ? undefined : bracketPath(name);
  if (path !== undefined) {
    const [base, ...rest] = path as [string, ...string[]];
    const baseSchema = declaresMember(document, schema, base)
      ? memberSchema(document, schema, base)
      : undefined;
    const previous = Object.hasOwn(out, base) ? out[base] : undefined;
    const nested =
      baseSchema === undefined ? undefined : setBracketValue(document, baseSchema, previous, rest, raw);
    if (nested !== undefined) {
      out[base] = nested;
      return;
    }
  }
  if (isArraySchema(document, member)) {
    const items = isObject(safe(document, member))
      ? (safe(document, member) as Record<string, unknown>).items
      : undefined;
    const list = (out[name] as unknown[] | undefined) ?? [];
    list.push(coerceScalar(document, items, raw));
    out[name] = list;
    return;
  }
  const value = coerceScalar(document, member, raw);
  if (Object.hasOwn(out, name)) {
    const previous = out[name];
    out[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  } else out[name] = value;
}

function readForm(document: unknown, schema: unknown, body: Buffer): ReadBody {
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, raw] of new URLSearchParams(body.toString('utf8')))
    addMember(document, schema, out, name, raw);
  return { ok: true, value: plainCopy(out) };
}

/** A part sent as JSON (its content type says so), or one whose member (or array items) is an object. */
function isJsonPart(document: unknown, schema: unknown, name: string, mimeType: string): boolean {
  if (/^application\/(.+\+)?json$/i.test(mimeType)) return true;
  let member = safe(document, memberSchema(document, schema, name));
  if (isObject(member) && member.type === 'array') member = safe(document, member.items);
  return (
    isObject(member) &&
    (member.type === 'object' || (member.type === undefined && isObject(member.properties)))
  );
}

function readMultipart(
  document: unknown,
  schema: unknown,
  body: Buffer,
  contentType: string,
  limits: MultipartLimits,
): Promise<ReadBody> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { parts: limits.maxParts, fieldSize: limits.maxFieldBytes, fileSize: limits.maxFileBytes },
      });
    } catch {
      resolve({ ok: false, message: 'multipart body without a usable boundary' });
      return;
    }
    const out: Record<string, unknown> = Object.create(null);
    let failure: string | undefined;
    const fail = (message: string) => {
      failure ??= message;
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(`a field is over ${limits.maxFieldBytes} bytes`);
      else if (isJsonPart(document, schema, name, info.mimeType)) {
        // OpenAPI 3 §4.8.15: an object or array member of a multipart body is a JSON part by default.
        const parsed = jsonOf(Buffer.from(value, 'utf8'));
        if (!parsed.ok) addMember(document, schema, out, name, value);
        else if (isArraySchema(document, memberSchema(document, schema, name))) {
          // One part per item (OpenAPI 3 §4.8.15.1: arrays repeat the part); an array part adds its items.
          const list = (out[name] as unknown[] | undefined) ?? [];
          if (Array.isArray(parsed.value)) list.push(...parsed.value);
          else list.push(parsed.value);
          out[name] = list;
        } else out[name] = parsed.value;
      } else addMember(document, schema, out, name, value);
    });
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(`a file part is over ${limits.maxFileBytes} bytes`));
      // A file is checked as a binary string (`format: binary`): its length is its size in bytes.
      stream.on('close', () =>
        addMember(document, schema, out, name, Buffer.concat(chunks).toString('latin1')),
      );
    });
    parser.on('partsLimit', () => fail(`more than ${limits.maxParts} parts`));
    parser.on('error', () => {
      fail('multipart body is malformed');
      resolve({ ok: false, message: failure! });
    });
    parser.on('close', () =>
      resolve(failure === undefined ? { ok: true, value: plainCopy(out) } : { ok: false, message: failure }),
    );
    parser.end(body);
  });
}

/** Reads `body` in `format`; `schema` (the raw spec schema) guides form value coercion. */
export function readBody(
  document: unknown,
  schema: unknown,
  format: BodyFormat,
  body: Buffer,
  contentType: string,
  limits: MultipartLimits,
): ReadBody | Promise<ReadBody> {
  switch (format) {
    case 'json': {
      // Shared with other policies reading the same body; validation never edits the value.
      const parsed = jsonOf(body);
      return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, message: 'is not valid JSON' };
    }
    case 'form':
      return readForm(document, schema, body);
    case 'multipart':
      return readMultipart(document, schema, body, contentType, limits);
    case 'text':
      return { ok: true, value: body.toString('utf8') };
    default:
      return { ok: true, value: undefined };
  }
}
