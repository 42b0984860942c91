// multipart bodies other than form-data (RFC 2046 §5.1: multipart/mixed, /related, /alternative,
// batch requests, resumable uploads): split at the boundary delimiter lines. Each part's content is
// an input of its own, read by its own Content-Type; part headers are framing and never inspected.
import type { Input } from '../types.ts';
import { MAX_INPUTS } from './limits.ts';

/** Bounds: parts per body and nesting of multipart inside a part. */
export const MULTIPART_PARTS_LIMITS = { parts: 1000, depth: 2 } as const;

/** The boundary parameter of a Content-Type (quoted or token), or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const lower = contentType.toLowerCase();
  let at = 0;
  for (;;) {
    const found = lower.indexOf('boundary', at);
    if (found < 0) return undefined;
    at = found + 8;
    // A parameter name starts after `;` (and spaces) and is followed by `=` (and spaces).
    let before = found - 1;
    while (before >= 0 && (lower[before] === ' ' || lower[before] === '\t')) before--;
    if (before < 0 || lower[before] !== ';') continue;
    let eq = at;
    while (lower[eq] === ' ' || lower[eq] === '\t') eq++;
    if (lower[eq] !== '=') continue;
    let start = eq + 1;
    while (lower[start] === ' ' || lower[start] === '\t') start++;
    if (contentType[start] === '"') {
      const end = contentType.indexOf('"', start + 1);
      const value = end < 0 ? undefined : contentType.slice(start + 1, end);
      return value === undefined || value.length === 0 || value.length > 200 ? undefined : value;
    }
    let end = start;
    while (end < contentType.length && contentType[end] !== ';' && contentType[end] !== ' ') end++;
    const value = contentType.slice(start, end);
    return value.length === 0 || value.length > 200 ? undefined : value;
  }
}

/** The Content-Type of a part, from its header block (lines separated by CRLF or LF). */
function partType(headers: string): string | undefined {
  for (const line of headers.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-type')
      return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** One part split into its header block and content. */
interface Part {
  readonly headers: string;
  readonly content: string;
}

/** The parts between the delimiter lines `--boundary` (preamble and epilogue dropped), or undefined. */
function splitParts(text: string, boundary: string): Part[] | undefined {
  const delimiter = `--${boundary}`;
  let at = text.startsWith(delimiter) ? 0 : text.indexOf(`\n${delimiter}`);
  if (at < 0) return undefined;
  if (at > 0) at += 1;
  const parts: Part[] = [];
  while (parts.length < MULTIPART_PARTS_LIMITS.parts) {
    const afterDelimiter = at + delimiter.length;
    // The close delimiter `--boundary--` ends the body.
    if (text.startsWith('--', afterDelimiter)) break;
    const lineEnd = text.indexOf('\n', afterDelimiter);
    if (lineEnd < 0) break;
    const next = text.indexOf(`\n${delimiter}`, lineEnd);
    const partEnd = next < 0 ? text.length : next;
    const part = text.slice(lineEnd + 1, partEnd);
    // Headers end at the first empty line; a part without headers starts with one.
    const crlf = part.startsWith('\r\n') ? 0 : part.indexOf('\r\n\r\n');
    const lf = part.startsWith('\n') ? 0 : part.indexOf('\n\n');
    const blank = crlf >= 0 && (lf < 0 || crlf <= lf) ? crlf : lf;
    const separator = blank === crlf && crlf >= 0 ? 4 : 2;
    let content =
      blank < 0 ? '' : part.slice(blank === 0 ? (part.startsWith('\r\n') ? 2 : 1) : blank + separator);
    // The line break before the next delimiter belongs to the delimiter.
    if (content.endsWith('\r')) content = content.slice(0, -1);
    parts.push({ headers: blank <= 0 ? '' : part.slice(0, blank), content });
    if (next < 0) break;
    at = next + 1;
  }
  return parts;
}

/**
 * Inputs of a multipart body that is not form-data: each part read by its own Content-Type through
 * `read` (JSON, forms, XML, text; multipart nested up to a depth), at `body.part<n>…`. Undefined when
 * there is no boundary or no part: the caller inspects the body whole.
 */
export function inputsFromMultipartParts(
  body: string,
  contentType: string,
  read: (content: string, type: string | undefined, depth: number) => Input[],
  depth = 0,
): Input[] | undefined {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined || depth >= MULTIPART_PARTS_LIMITS.depth) return undefined;
  const parts = splitParts(body, boundary);
  if (parts === undefined || parts.length === 0) return undefined;
  const inputs: Input[] = [];
  parts.forEach((part, index) => {
    // Empty parts and binary ones (images, archives: a NUL or bytes that are not UTF-8) are skipped.
    if (part.content.length === 0 || part.content.includes('\0') || part.content.includes('\ufffd')) return;
    const prefix = `body.part${index + 1}`;
    for (const input of read(part.content, partType(part.headers), depth + 1)) {
      if (inputs.length >= MAX_INPUTS) return;
      const rest = input.location === 'body' ? '' : input.location.slice('body'.length);
      inputs.push({ ...input, location: `${prefix}${rest}` });
    }
  });
  return inputs;
}
