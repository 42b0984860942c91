// Request bodies by media type: JSON, urlencoded forms, multipart bodies and XML are walked; any
// other text (and multipart that cannot be parsed) is inspected whole, so nothing passes unseen.
import type { Input, ParsedJsonValue } from '../types.ts';
import { inputsFromJson } from './json.ts';
import { inputsFromMultipart } from './multipart.ts';
import { inputsFromMultipartParts } from './multipart-parts.ts';
import { inputsFromUrlencoded } from './query.ts';
import { inputsFromXml } from './xml.ts';

function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

interface BodyOptions {
  readonly screenJson?: boolean;
  /** With `screenJson`: the whole body's value parsed from its UTF-8 text, when already parsed. */
  readonly parsedBody?: (text: string) => ParsedJsonValue;
}

/** Framed text inspected whole, its line breaks as spaces: part headers and header lines are framing. */
function wholeMultipart(text: string): Input[] {
  return [{ location: 'body', value: text.replace(/[\r\n]+/g, ' '), kind: 'body' }];
}

/** A body's text by media type; `depth` counts multipart bodies nested in a part. */
function inputsFromText(
  text: string,
  contentType: string | undefined,
  options: BodyOptions,
  depth: number,
): Input[] {
  const type = mediaType(contentType);
  if (type.startsWith('multipart/') && contentType !== undefined) {
    const parts = inputsFromMultipartParts(
      text,
      contentType,
      (content, partType, partDepth) => inputsFromText(content, partType, options, partDepth),
      depth,
    );
    return parts ?? wholeMultipart(text);
  }
  // A request inside a batch part (application/http): its start line and header lines are framing.
  if (type === 'application/http') return wholeMultipart(text);
  if (type === 'application/json' || type.endsWith('+json')) {
    if (options.screenJson !== true) return inputsFromJson(text);
    const parsedBody = options.parsedBody;
    // Only the whole body is the text that was parsed; a JSON part of a multipart body is not.
    return depth === 0 && parsedBody !== undefined
      ? [{ location: 'body', value: text, kind: 'body', json: true, jsonValue: () => parsedBody(text) }]
      : [{ location: 'body', value: text, kind: 'body', json: true }];
  }
  if (type === 'application/x-www-form-urlencoded') return inputsFromUrlencoded(text, 'body', 'body');
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return inputsFromXml(text);
  return [{ location: 'body', value: text, kind: 'body' }];
}

/**
 * Inputs of a body given its Content-Type. With `screenJson`, a JSON body is one input the engine
 * screens first (cheap when clean), instead of one input per member name and string leaf.
 */
export function inputsFromBody(
  body: Buffer | string,
  contentType: string | undefined,
  options: BodyOptions = {},
): Input[] {
  if (body.length === 0) return [];
  if (mediaType(contentType) === 'multipart/form-data' && contentType !== undefined) {
    const parts = inputsFromMultipart(typeof body === 'string' ? Buffer.from(body) : body, contentType);
    if (parts !== undefined) return parts;
    // Unreadable framing (no boundary, cut short): the text is inspected whole.
    return wholeMultipart(typeof body === 'string' ? body : body.toString('utf8'));
  }
  return inputsFromText(typeof body === 'string' ? body : body.toString('utf8'), contentType, options, 0);
}
