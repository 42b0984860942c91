// Corpus lines that are not a payload in any context ("inert"): the catalogue text and one-token
// probes that the source lists interleave with their payloads. The eval sets them aside and reports
// the rates with and without them; the rule set is documented in bench/README.md.
import { isInertMarkup } from './detect-inert-xml.ts';

/** Why a line is inert, or undefined when it is counted as an attack. */
export type InertReason =
  | 'catalogue-label'
  | 'catalogue-title'
  | 'handler-name'
  | 'lone-character'
  | 'annotation'
  | 'end-tags'
  | 'inert-markup';

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
