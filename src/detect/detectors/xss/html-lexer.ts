// A forgiving HTML tag tokenizer in the spirit of WHATWG HTML §13.2.5: finds start tags, their
// names and attributes (quoted, unquoted, valueless), skipping comments. One pass, linear.

export interface HtmlAttribute {
  readonly name: string;
  readonly value: string;
  readonly at: number;
}

export interface HtmlTag {
  readonly name: string;
  readonly at: number;
  readonly attributes: HtmlAttribute[];
  /** An end tag (`</a style=…>`); reported only when it carries attributes. */
  readonly end: boolean;
}

const MAX_ATTRIBUTES = 64;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 47;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Reads attributes from `from` until `>` (or the end); returns them and the index after the tag. */
export function readAttributes(text: string, from: number): { attributes: HtmlAttribute[]; end: number } {
  const attributes: HtmlAttribute[] = [];
  const n = text.length;
  let i = from;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    if (text.charCodeAt(i) === 62) return { attributes, end: i + 1 };
    const at = i;
    // The first character may be anything but space, `/` or `>` (a `"` or `=` starts a bogus name).
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isSpace(c) || c === 61 || c === 62) break;
      i++;
    }
    const name = text.slice(at, i).toLowerCase();
    while (i < n && text.charCodeAt(i) !== 47 && isSpace(text.charCodeAt(i))) i++;
    let value = '';
    if (text.charCodeAt(i) === 61) {
      i++;
      while (i < n && isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 47) i++;
      const q = text.charCodeAt(i);
      if (q === 34 || q === 39 || q === 96) {
        const close = text.indexOf(text[i]!, i + 1);
        const stop = close < 0 ? n : close;
        value = text.slice(i + 1, stop);
        i = close < 0 ? n : close + 1;
      } else {
        const start = i;
        while (i < n && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 62) i++;
        value = text.slice(start, i);
      }
    }
    if (attributes.length < MAX_ATTRIBUTES) attributes.push({ name, value, at });
  }
  return { attributes, end: n };
}

/** All start tags in `text`. */
export function readTags(text: string): HtmlTag[] {
  const tags: HtmlTag[] = [];
  const n = text.length;
  let i = text.indexOf('<');
  while (i >= 0 && i < n) {
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close < 0) break;
      i = text.indexOf('<', close + 3);
      continue;
    }
    const at = i;
    const end = text.charCodeAt(i + 1) === 47 && isNameStart(text.charCodeAt(i + 2));
    let j = end ? i + 2 : i + 1;
    if (!isNameStart(text.charCodeAt(j))) {
      i = text.indexOf('<', j);
      continue;
    }
    // A `+` ends the name too: in a URL-encoded value it stood for a space (`<script+src=…>`).
    while (j < n && !isSpace(text.charCodeAt(j)) && !'><+'.includes(text[j]!)) j++;
    const name = text.slice(end ? i + 2 : i + 1, j).toLowerCase();
    const read = text.charCodeAt(j) === 60 ? { attributes: [], end: j } : readAttributes(text, j);
    if (!end || read.attributes.length > 0) tags.push({ name, at, attributes: read.attributes, end });
    i = text.indexOf('<', Math.max(read.end, at + 1));
  }
  return tags;
}
