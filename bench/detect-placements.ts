// How the in-process eval places one corpus line in a request: the eight placements of issue 13.
import {
  type Input,
  inputsFromBody,
  inputsFromCookies,
  inputsFromHeaders,
  inputsFromPath,
  inputsFromPathSegments,
  inputsFromQuery,
} from '../src/detect/index.ts';

export const PLACEMENTS = ['query', 'json', 'form', 'multipart', 'header', 'cookie', 'path', 'xml'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const PLACEMENT_NOTES = [
  'query = value of ?q=; json = string value of {"q": …}; form = urlencoded body q=…; multipart = form field q;',
  'header = User-Agent (lines with CR/LF/NUL skipped); cookie = percent-encoded value of cookie q; path = a path',
  'segment (slashes kept); xml = the line as the XML body when it is an XML document, else the text of <q>…</q>',
].join('\n');

const BOUNDARY = '----RampartEvalBoundary';
/** Lines that are XML documents (a declaration, DOCTYPE, XSLT, XInclude) are sent as the body itself. */
const XML_DOCUMENT = /^\s*<(?:\?xml|!doctype|!entity|xsl:|[a-z]+:include)/i;

function xmlText(line: string): string {
  return line.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The XML body that carries `line`: the line itself when it is an XML document, else `<q>…</q>` around its text. */
export function xmlBodyFor(line: string): string {
  return XML_DOCUMENT.test(line) ? line : `<q>${xmlText(line)}</q>`;
}

/** The engine's inputs for `line` in `placement`, or undefined when HTTP cannot carry it there. */
export function inputsFor(line: string, placement: Placement): Input[] | undefined {
  switch (placement) {
    case 'query':
      return inputsFromQuery(`q=${encodeURIComponent(line)}`);
    case 'json':
      return inputsFromBody(JSON.stringify({ q: line }), 'application/json', { screenJson: true });
    case 'form':
      return inputsFromBody(`q=${encodeURIComponent(line)}`, 'application/x-www-form-urlencoded');
    case 'multipart': {
      const body = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="q"\r\n\r\n${line}\r\n--${BOUNDARY}--\r\n`;
      return inputsFromBody(Buffer.from(body), `multipart/form-data; boundary=${BOUNDARY}`);
    }
    case 'header':
      // HTTP forbids CR, LF and NUL in a field value (RFC 9110 §5.5): such lines cannot be a header.
      return /[\r\n\0]/.test(line) ? undefined : inputsFromHeaders({ 'user-agent': line });
    case 'cookie':
      return inputsFromCookies(`q=${encodeURIComponent(line)}`);
    case 'path': {
      const path = `/eval/${encodeURIComponent(line).replaceAll('%2F', '/')}`;
      return [...inputsFromPath(path), ...inputsFromPathSegments(path)];
    }
    case 'xml':
      return inputsFromBody(xmlBodyFor(line), 'application/xml');
  }
}
