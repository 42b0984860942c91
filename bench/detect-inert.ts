// Corpus lines that are not a payload in any context ("inert"): the catalogue text and one-token
// probes that the source lists interleave with their payloads. The eval sets them aside and reports
// the rates with and without them; the rule set is documented in bench/README.md.
import { readAttributes } from '../src/detect/detectors/xss/html-lexer.ts';
import { isInertXml } from './detect-inert-xml.ts';

/** Why a line is inert, or undefined when it is counted as an attack. */
export type InertReason =
  | 'catalogue-label'
  | 'catalogue-title'
  | 'handler-name'
  | 'lone-character'
  | 'annotation'
  | 'end-tags'
  | 'inert-markup'
  | 'inert-xml';

// The fields of a catalogue entry that describe a vector (fuzzdb's JHADDIX doc): its name, prose,
// tags and author. `Exploit String:` carries the vector itself and is never set aside.
const LABEL = /^(?:Exploit Name|Exploit Description|Exploit Tags|Author Name):/;
const NAME = /^Exploit Name:\s*(.*?)\s*$/;
// A DOM event-handler attribute name alone: no `=`, no value, so no handler in markup and a mere
// reference in script.
const HANDLER_NAME = /^on[a-z]+$/i;
// One character written once in some escape: URL, HTML named or numeric reference, JS escape.
const ESCAPED_CHARACTER =
  /^(?:%[0-9a-f]{2}|&(?:lt|gt|amp|quot|apos);?|&#0*[0-9]{1,7};?|&#x0*[0-9a-f]{1,6};?|\\x[0-9a-f]{2}|\\u[0-9a-f]{4})$/i;
// Characters that change a query on their own (LDAP and LIKE wildcards, shell globs) and NUL, which
// truncates a path or string: a lone one of these is a payload.
const ACTIVE_SINGLE = new Set(['*', '?', '%', '_', '\0']);
// An HTML comment or a `#` heading whose text is words and prose punctuation only: an annotation
// of the list (`<!-- IE 6-9 -->`, `#Google.com:`). Conditional comments (`<!--[if IE]>`) are code.
const HTML_ANNOTATION = /^<!--[\w\s.,:;+'/-]*-->$/;
const HASH_HEADING = /^#[A-Za-z][\w\s.:'/-]*$/;

// End tags alone (`</body></html>`, `</svg:mask>`), the last lines of multi-line vectors: an end tag
// carries no attribute and no content. Those of raw-text, RCDATA and foreign elements are left out:
// `</script>`, `</style>`, `</title>`, `</textarea>`… end the context a value sits in (WHATWG HTML
// §13.1.2), and `</svg>`, `</math>` leave foreign content.
const END_TAG = /^<\/([A-Za-z][\w.-]*(?::[A-Za-z][\w.-]*)?)\s*>/;
const CONTEXT_ELEMENTS = new Set([
  'script',
  'style',
  'title',
  'textarea',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
  'template',
  'svg',
  'math',
]);

function isEndTagsOnly(text: string): boolean {
  let rest = text;
  if (!rest.startsWith('</')) return false;
  while (rest.length > 0) {
    const m = END_TAG.exec(rest);
    if (m === null) return false;
    const name = m[1]!.toLowerCase();
    if (CONTEXT_ELEMENTS.has(name.slice(name.indexOf(':') + 1))) return false;
    rest = rest.slice(m[0].length).trimStart();
  }
  return true;
}

// Elements that neither run script, load anything, submit anything nor change the document's
// structure (WHATWG HTML §4.4–4.5 grouping and text-level elements; SVG 2 basic shapes, which draw
// nothing outside an <svg>): a start or end tag of one of them only marks up text.
const INERT_ELEMENTS = new Set([
  'div',
  'span',
  'p',
  'b',
  'i',
  'u',
  's',
  'em',
  'strong',
  'small',
  'code',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'br',
  'hr',
  'ul',
  'ol',
  'li',
  'blockquote',
  'a',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'path',
  'g',
]);
// Attributes that only name, label or place an element: no URL, no style, no handler, no form role.
const INERT_ATTRIBUTES = new Set([
  'id',
  'class',
  'title',
  'lang',
  'dir',
  'width',
  'height',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'd',
  'points',
  'fill',
  'stroke',
  'stroke-width',
]);
/** An inert attribute's value: words, numbers, colours and path data, nothing that quotes or calls. */
const INERT_VALUE = /^[\w .,#-]*$/;
/** Text between tags that no context reads as code: words, numbers and prose punctuation. */
const INERT_TEXT = /^[\w .,:!?[\]-]*$/;
/** A comment of words (`<!-- IE 6-8 -->`), as the annotation rule reads one. */
const PROSE_COMMENT = /^<!--[\w\s.,:;+'/-]*-->/;
/** The XML declaration (`<?xml version="1.0" standalone="no"?>`) and the HTML doctype. */
const DECLARATION =
  /^(?:<\?xml(?:\s+(?:version|encoding|standalone)=(?:"[\w.-]*"|'[\w.-]*'))*\s*\?>|<!doctype html\s*>)/i;

/**
 * Whether the line is markup that can neither run script nor load anything nor change the page's
 * structure, read by tokenizing it: at least one tag, every tag a start or end tag of an inert
 * element with inert attributes (`<div id="43">`, `<circle r="400"></circle>`, `<br/><hr/>`), and
 * between them only prose comments, the XML declaration or doctype, and text of words.
 */
function isInertMarkup(text: string): boolean {
  let tags = 0;
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    const end = open < 0 ? text.length : open;
    const between = text.slice(i, end);
    // `--` would comment out the rest of an SQL statement.
    if (!INERT_TEXT.test(between) || between.includes('--')) return false;
    if (open < 0) break;
    const rest = text.slice(open);
    const special = PROSE_COMMENT.exec(rest) ?? DECLARATION.exec(rest);
    if (special !== null) {
      i = open + special[0].length;
      continue;
    }
    const closing = text[open + 1] === '/';
    let j = open + (closing ? 2 : 1);
    const nameStart = j;
    while (j < text.length && /[\w:-]/.test(text[j]!)) j++;
    const name = text.slice(nameStart, j).toLowerCase();
    if (!INERT_ELEMENTS.has(name.slice(name.indexOf(':') + 1))) return false;
    const { attributes, end: after } = readAttributes(text, j);
    // The tag must be closed by its own `>`, and an end tag carries nothing.
    if (text[after - 1] !== '>' || (closing && attributes.length > 0)) return false;
    for (const { name: attribute, value } of attributes)
      if (!INERT_ATTRIBUTES.has(attribute) || !INERT_VALUE.test(value)) return false;
    tags++;
    i = after;
  }
  return tags > 0;
}

/** The titles of the catalogue entries of a file: the values of its `Exploit Name:` lines. */
export function catalogueTitles(lines: readonly string[]): Set<string> {
  const titles = new Set<string>();
  for (const line of lines) {
    const m = NAME.exec(line);
    if (m !== null && m[1] !== '') titles.add(m[1]!);
  }
  return titles;
}

/** Why `line` is inert, given the catalogue titles of its file; undefined when it is a payload. */
export function inertReason(line: string, titles: ReadonlySet<string>): InertReason | undefined {
  const text = line.trim();
  if (LABEL.test(text)) return 'catalogue-label';
  if (titles.has(text)) return 'catalogue-title';
  if (HANDLER_NAME.test(text)) return 'handler-name';
  if (isLoneCharacter(text)) return 'lone-character';
  if (HTML_ANNOTATION.test(text) || HASH_HEADING.test(text)) return 'annotation';
  if (isEndTagsOnly(text)) return 'end-tags';
  if (isInertMarkup(text)) return 'inert-markup';
  if (isInertXml(text)) return 'inert-xml';
  return undefined;
}

function isLoneCharacter(text: string): boolean {
  if (text.length === 0) return true;
  const chars = [...text];
  if (chars.length === 1) return !ACTIVE_SINGLE.has(chars[0]!);
  if (!ESCAPED_CHARACTER.test(text)) return false;
  // A URL escape of a wildcard or NUL (`%2a`, `%00`) is as active as the character itself.
  if (text[0] === '%') return !ACTIVE_SINGLE.has(String.fromCharCode(Number.parseInt(text.slice(1), 16)));
  return true;
}

/** A corpus file split into the lines counted as attacks and the inert ones, with their reasons. */
export interface SplitLines {
  readonly payloads: readonly string[];
  readonly inert: readonly { readonly line: string; readonly reason: InertReason }[];
}

/** Splits the lines of one attack file by the inert rules. */
export function splitInert(lines: readonly string[]): SplitLines {
  const titles = catalogueTitles(lines);
  const payloads: string[] = [];
  const inert: { line: string; reason: InertReason }[] = [];
  for (const line of lines) {
    const reason = inertReason(line, titles);
    if (reason === undefined) payloads.push(line);
    else inert.push({ line, reason });
  }
  return { payloads, inert };
}
