// URLs that run script when a browser follows or loads them: the script schemes and their
// spellings with controls inside the scheme.

const SCRIPT_SCHEMES = [
  'javascript:',
  'vbscript:',
  'livescript:',
  'mocha:',
  'data:text/html',
  'data:image/svg',
  'data:application/x-javascript',
  'data:text/javascript',
];

// URL parsers drop tabs and line breaks inside a scheme (`java\tscript:`, WHATWG URL §4.4), so each
// scheme is matched with optional controls between its letters; prose writes "JavaScript: the
// language" with a space after the colon, a URL does not. Each pattern is a chain of literals with
// bounded-class gaps: linear.
const SCRIPT_URL = new RegExp(
  `(?:^|[^a-z0-9])(?:${SCRIPT_SCHEMES.map((scheme) =>
    [...scheme].map((c) => c.replace(/[/+.]/g, '\\$&')).join('[\\t\\n\\r\\u0000-\\u001f]*'),
  ).join('|')})(?=[^\\s])`,
);

/** Where a script URL starts in `lower`, or -1. */
export function scriptUrlAt(lower: string): number {
  const match = SCRIPT_URL.exec(lower);
  return match === null ? -1 : match.index;
}

// Inside a URL attribute the value is a URL whatever follows the colon (`href="java\nscript:\nalert(1)"`).
export const ATTRIBUTE_SCRIPT_URL = new RegExp(
  `^[\\s\\u0000-\\u001f]*(?:${SCRIPT_SCHEMES.map((scheme) =>
    [...scheme].map((c) => c.replace(/[/+.]/g, '\\$&')).join('[\\t\\n\\r\\u0000-\\u001f]*'),
  ).join('|')})`,
);
