// Script and injection in CSS: IE's expressions and behaviours, Mozilla's bindings, script URLs as
// resources, style attributes written so that a browser and a filter read them differently, and
// SVG documents loaded from CSS. Each check is one bounded pass.
import { ATTRIBUTE_SCRIPT_URL } from './schemes.ts';

function cssAttackAt(lower: string): number {
  for (const marker of ['expression(', '-moz-binding', '@import']) {
    const at = lower.indexOf(marker);
    if (at >= 0) return at;
  }
  // IE's `behavior: url(x.htc)` and `binding: url(…)` load script; "**Behavior:**" in a README does not.
  for (const marker of ['behavior:', 'behaviour:', 'binding:']) {
    for (let at = lower.indexOf(marker); at >= 0; at = lower.indexOf(marker, at + 1)) {
      let j = at + marker.length;
      while (lower.charCodeAt(j) === 32) j++;
      if (lower.startsWith('url(', j) || lower.startsWith('url (', j)) return at;
    }
  }
  // `url(javascript:…)`, `url('vbscript:…')`: a script URL as a CSS resource (IE ran it).
  for (let at = lower.indexOf('url('); at >= 0; at = lower.indexOf('url(', at + 4)) {
    let j = at + 4;
    while (j < lower.length && (lower[j] === ' ' || lower[j] === '"' || lower[j] === "'")) j++;
    if (ATTRIBUTE_SCRIPT_URL.test(lower.slice(j, j + 40))) return at;
  }
  return -1;
}

/**
 * CSS as a browser reads it (CSS Syntax §4.3.7): `\` + 1–6 hex digits (and one space) is that code
 * point, `\` + any other character is the character, comments and NULs are nothing. So
 * `\-\mo\z\-b\i\nd\in\g` is `-moz-binding` and `\0075\0072\006c` is `url`. Linear.
 */
export function cssUnescape(text: string): string {
  let out = '';
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 0) {
      i++;
      continue;
    }
    if (c !== 92) {
      out += text[i];
      i++;
      continue;
    }
    const escaped = cssEscapeAt(text, i);
    if (escaped.code > 0 && escaped.code <= 0x10ffff) out += String.fromCodePoint(escaped.code);
    i = escaped.end;
  }
  return out;
}

/**
 * The code point of the CSS escape at `text[at]` (a backslash) and the index after it: hex digits
 * and one following white space, or the next character; an escaped newline (a line continuation)
 * and `\0` are code 0.
 */
function cssEscapeAt(text: string, at: number): { code: number; end: number } {
  let j = at + 1;
  let code = 0;
  while (j < text.length && j - at <= 6 && isHexDigit(text.charCodeAt(j))) {
    code = code * 16 + Number.parseInt(text[j]!, 16);
    j++;
  }
  if (j > at + 1) {
    if (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) j++;
    return { code, end: j };
  }
  if (j >= text.length || text.charCodeAt(j) === 10) return { code: 0, end: j + 1 };
  return { code: text.codePointAt(j)!, end: j + 1 };
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Script in CSS text, read as written and with its escapes and comments resolved. */
export function cssAttackIn(css: string): number {
  const at = cssAttackAt(css);
  if (at >= 0 || (!css.includes('\\') && !css.includes('/*'))) return at;
  return cssAttackAt(cssUnescape(css).toLowerCase()) >= 0 ? 0 : -1;
}

/**
 * `x:expression8write(1)9`, `width:expression/**\/(…)`: a declaration whose value is IE's
 * `expression` keyword with something between it and its parenthesis. Read outside style
 * attributes too: a property name, a colon, the keyword and a `(` within a few characters.
 */
export function declaredExpressionAt(lower: string): number {
  for (let at = lower.indexOf('expression'); at >= 0; at = lower.indexOf('expression', at + 10)) {
    let k = at - 1;
    while (k >= 0 && lower.charCodeAt(k) === 32) k--;
    if (lower.charCodeAt(k) !== 58 || !isLetter(lower.charCodeAt(k - 1))) continue;
    if (isLetter(lower.charCodeAt(at + 10))) continue;
    if (lower.slice(at + 10, at + 26).includes('(')) return k;
  }
  return -1;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 45 || c === 95;
}

/**
 * Whether a style attribute's CSS is written so that browsers and filters read it differently
 * (the CSS parsing quirks of html5sec.org): a brace, which a declaration list never holds
 * (`font-family:foo}color:red`); a string broken by a line break (`'foo&#10;;color:red'`); a
 * comment opener inside a string or an unquoted `url(` (`url(/f#[a]oo/;color:red/*…)`); a control
 * character; or an escape that spells ASCII (`\63olor`, `\27`), which no stylesheet author needs
 * (fonts named in other scripts, `\5FAE\8F6F`, and generated quotes, `\201C`, are not ASCII).
 */
export function styleQuirk(style: string): boolean {
  const n = style.length;
  let quote = 0;
  for (let i = 0; i < n; i++) {
    const c = style.charCodeAt(i);
    if (c === 92) {
      const escaped = cssEscapeAt(style, i);
      if (escaped.code < 128 && style.charCodeAt(i + 1) !== 10) return true;
      i = escaped.end - 1;
      continue;
    }
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) return true;
    if (quote !== 0) {
      if (c === quote) quote = 0;
      else if (c === 10 || c === 13 || c === 12) return true;
      else if (c === 47 && style.charCodeAt(i + 1) === 42) return true;
      continue;
    }
    if (c === 34 || c === 39) quote = c;
    else if (c === 123 || c === 125) return true;
    else if (c === 40 && style.startsWith('url', i - 3)) {
      // An unquoted URL runs to `)`: a comment opener inside it is text to CSS, a comment to a filter.
      let j = i + 1;
      while (j < n && style.charCodeAt(j) === 32) j++;
      if (style.charCodeAt(j) === 34 || style.charCodeAt(j) === 39) continue;
      const close = style.indexOf(')', j);
      const end = close < 0 ? n : close;
      if (style.slice(j, end).includes('/*')) return true;
      i = end;
    }
  }
  return false;
}

// Properties that show a URL as a picture: an SVG document there is an image, which runs no script.
const IMAGE_PROPERTIES = ['background', 'list-style', 'border-image', 'cursor'];

/**
 * Where CSS loads an SVG document as something other than a picture, or -1: a mask, clip path,
 * filter, marker or paint server by reference into it (`clip-path:url(x.svg#a)`), generated content
 * (`content:url(x.svg)`) or a font (`src:url(font.svg#x) format("svg")`). Old engines ran the
 * scripts of such documents; each names an element or role of a whole external document.
 */
export function svgResourceAt(lower: string): number {
  for (let at = lower.indexOf('url('); at >= 0; at = lower.indexOf('url(', at + 4)) {
    // A URL is read up to its `)` and at most 256 characters: each search is bounded.
    let target = lower.slice(at + 4, at + 260);
    const close = target.indexOf(')');
    if (close >= 0) target = target.slice(0, close);
    const svg = target.indexOf('.svg');
    if (svg < 0) continue;
    const after = target.charCodeAt(svg + 4);
    if (
      !(Number.isNaN(after) || after === 35 || after === 63 || after === 34 || after === 39 || after === 32)
    )
      continue;
    const property = propertyBefore(lower, at);
    // `background-image` is a picture as `background` is.
    if (!IMAGE_PROPERTIES.some((p) => property === p || property.startsWith(`${p}-`))) return at;
  }
  return -1;
}

/** The name of the CSS property whose value holds `lower[at]`, or ''. */
function propertyBefore(lower: string, at: number): string {
  const from = Math.max(0, at - 200);
  const found = lower.slice(from, at).lastIndexOf(':');
  if (found < 0) return '';
  const colon = from + found;
  let k = colon - 1;
  while (k >= 0 && lower.charCodeAt(k) === 32) k--;
  const end = k + 1;
  while (k >= 0 && end - k <= 32 && isLetter(lower.charCodeAt(k))) k--;
  return lower.slice(k + 1, end);
}

/** Whether the CSS loads a font from an SVG document (`format("svg")`, or an `@font-face` source `.svg`). */
export function svgFont(lower: string): boolean {
  if (lower.includes('format("svg")') || lower.includes("format('svg')") || lower.includes('format(svg)'))
    return true;
  const face = lower.indexOf('@font-face');
  return face >= 0 && svgResourceAt(lower.slice(face)) >= 0;
}
