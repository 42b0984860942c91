// Request bodies by media type: JSON, urlencoded forms, multipart forms and XML are walked; any
// other text (and multipart that cannot be parsed) is inspected whole, so nothing passes unseen.
import type { Input } from '../types.ts';
import { inputsFromJson } from './json.ts';
import { inputsFromMultipart } from './multipart.ts';
import { inputsFromUrlencoded } from './query.ts';
import { inputsFromXml } from './xml.ts';

function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * Inputs of a body given its Content-Type. With `screenJson`, a JSON body is one input the engine
 * screens first (cheap when clean), instead of one input per member name and string leaf.
 */
export function inputsFromBody(
  body: Buffer | string,
  contentType: string | undefined,
  options: { readonly screenJson?: boolean } = {},
): Input[] {
  if (body.length === 0) return [];
  const type = mediaType(contentType);
  if (type === 'multipart/form-data' && contentType !== undefined) {
    const parts = inputsFromMultipart(typeof body === 'string' ? Buffer.from(body) : body, contentType);
    if (parts !== undefined) return parts;
    // Unreadable framing (no boundary, cut short): the text is inspected whole, its line breaks as
    // spaces, since part-header lines are framing and not a header injection.
    const text = typeof body === 'string' ? body : body.toString('utf8');
    return [{ location: 'body', value: text.replace(/[\r\n]+/g, ' '), kind: 'body' }];
  }
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (type === 'application/json' || type.endsWith('+json')) {
    return options.screenJson === true
      ? [{ location: 'body', value: text, kind: 'body', json: true }]
      : inputsFromJson(text);
  }
  if (type === 'application/x-www-form-urlencoded') return inputsFromUrlencoded(text, 'body', 'body');
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return inputsFromXml(text);
  return [{ location: 'body', value: text, kind: 'body' }];
}
