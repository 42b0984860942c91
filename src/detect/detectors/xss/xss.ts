// Cross-site scripting: HTML tags and attributes read by a tokenizer (script-capable elements,
// event handlers, script URLs, CSS expressions), attribute-context breakouts, and JavaScript
// sink calls after a string breakout.
import { hit } from '../../rules.ts';
import type { Detector, Hit, InputKind } from '../../types.ts';
import { contextBreakerAt, jsEntityAt } from './breakers.ts';
import { cssAttackIn, declaredExpressionAt, styleQuirk, svgFont, svgResourceAt } from './css.ts';
import { EVENT_HANDLERS } from './events.ts';
import { readAttributes, readTags } from './html-lexer.ts';
import { disguisedHost, legacySchemeAt } from './links.ts';
import { dtdAttributesAt, namespaceBindingAt } from './namespaces.ts';
import { escapesInside, referenceSpelledText } from './references.ts';
import { XSS_RULES } from './rules.ts';
import { ATTRIBUTE_SCRIPT_URL, scriptUrlAt } from './schemes.ts';
import { foldedStringAt, stringBuiltAt } from './strings.ts';
import { utf7MarkupAt } from './utf7.ts';
import { xsltAt } from './xslt.ts';

const SCRIPT_TAGS = new Set(['script']);
const ACTIVE_TAGS = new Set([
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'isindex',
  'import',
  'xss',
  'xml',
  'meta',
  'vmlframe',
  'layer',
  'ilayer',
  'bgsound',
  'portal',
]);
/**
 * `Array<object>`, `Promise<Object>`: a type argument in TypeScript, Java or C# code, a bare active
 * element glued to a name. Without an attribute it loads nothing; IE's namespaced behaviour element
 * (`<xss:xss>`) and `<isindex>` act bare and always count.
 */
function isTypeArgument(lower: string, at: number, local: string): boolean {
  return local !== 'xss' && local !== 'isindex' && at > 0 && isIdentChar(lower.charCodeAt(at - 1));
}

const MARKUP_TAGS = new Set([
  'svg',
  'math',
  'style',
  'link',
  'form',
  'template',
  'handler',
  'listener',
  'animate',
  'set',
  'use',
  'image',
  'xmp',
  'noscript',
  'title',
  'textarea',
]);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'lowsrc',
  'dynsrc',
  'background',
  'poster',
  'xlink:href',
  'code',
  'codebase',
  'value',
  'content',
  'to',
  'from',
  'values',
  'srcdoc',
  'url',
  'style',
]);
// Attributes that hold the address of a link or of a loaded resource.
const LINK_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'xlink:href',
  'lowsrc',
  'dynsrc',
  'background',
  'poster',
  'codebase',
]);
// Elements that rich text (comments, descriptions, sanitized HTML) never holds: the document's own
// structure, form controls that collect input, media and SVG/MathML containers. In a value they
// inject markup into the page (fake login forms, defacement) even without script.
const DOCUMENT_TAGS = new Set([
  'html',
  'head',
  'body',
  'title',
  'meta',
  'link',
  'base',
  'style',
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'form',
  'input',
  'button',
  'select',
  'option',
  'textarea',
  'label',
  'fieldset',
  'keygen',
  'svg',
  'math',
  'feimage',
  'foreignobject',
  'animate',
  'set',
  'image',
  'video',
  'audio',
  'source',
  'track',
  'canvas',
  'marquee',
  'plaintext',
  'listing',
  'xmp',
  'noscript',
  'noembed',
  'template',
  'isindex',
  'bgsound',
]);

/** Whether a plain JSON text holds a string that is exactly an event handler's name (`"onerror"`). */
function handlerNameIn(lower: string): boolean {
  for (let at = lower.indexOf('"on'); at >= 0; at = lower.indexOf('"on', at + 3)) {
    const end = lower.indexOf('"', at + 3);
    if (end < 0) return false;
    if (end - at <= 32 && EVENT_HANDLERS.has(lower.slice(at + 1, end))) return true;
  }
  return false;
}

/** Text of letters, digits, spaces, `_`, `,` and `-` only: no markup or script can be in it. */
const PLAIN_WORDS = /^[\p{L}\p{N} _,-]*$/u;

/** A percent, HTML or JavaScript escape of an ASCII letter. */
const ENCODED_LETTER =
  /%(?:4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])|&#(?:0{0,6}(?:6[5-9]|[7-8]\d|9[0]|9[7-9]|1[01]\d|12[0-2])|x0{0,6}(?:4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]))(?![0-9a-f])|\\(?:x|u00)(?:4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a])/i;

/** Where a start or end tag of a document-level element (`<body>`, `</html>`, `<svg:svg>`) is, or -1. */
function documentTagAt(lower: string): number {
  for (let at = lower.indexOf('<'); at >= 0; at = lower.indexOf('<', at + 1)) {
    // `<!--[if …]>`: IE's conditional comments are markup that only IE reads.
    if (lower.startsWith('<!--[if', at)) return at;
    let i = at + 1;
    if (lower.charCodeAt(i) === 47) i++;
    const start = i;
    while (i < lower.length && i - start < 32) {
      const c = lower.charCodeAt(i);
      if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 58 || c === 45)) break;
      i++;
    }
    if (i === start) continue;
    const c = lower.charCodeAt(i);
    // A tag name ends at `>`, `/`, white space or the end of the value.
    if (!(Number.isNaN(c) || c === 62 || c === 47 || c === 32 || (c >= 9 && c <= 13))) continue;
    const name = lower.slice(start, i);
    const colon = name.indexOf(':');
    if (DOCUMENT_TAGS.has(colon < 0 ? name : name.slice(colon + 1))) return at;
  }
  return -1;
}

// IE data binding attributes that render fetched data as HTML.
const DATA_BINDING = new Set(['datasrc', 'datafld', 'dataformatas']);
// Closing tags of raw-text elements, whose content a payload escapes from (polyglots).
const RAW_TEXT_CLOSE = /<\/(?:title|textarea|style|noscript|xmp|iframe|noembed|template)\b/;
// `top['al'+'ert'](1)`, `window[x](1)`: a global looked up by a computed name and called.
// `window [text](https://…)` is a Markdown link after the word, not a call.
const COMPUTED_CALL =
  /\b(?:top|window|self|parent|frames|globalthis|content)\s*\[[^\]]{1,80}\]\s*\((?!https?:|#|\.{0,2}\/)/;
// `[1].find(alert)`, `a=alert,a(1)`: a dialog function passed around as a value.
const SINK_VALUE = /[(=,[]\s*(?:alert|prompt|confirm|eval)\s*[),;\]]/;
// `.call(`, `.apply(`, `.bind(` right after a sink name.
const INDIRECT_CALL = /^\.(?:call|apply|bind)\s*\(/;
// `Reflect.apply(alert, …)`: a sink called through reflection.
const REFLECT_CALL =
  /\breflect\.(?:apply|construct)\s*\(\s*(?:alert|prompt|confirm|eval|function|settimeout|setinterval)\b/;
// `window['document']['cookie']`, `document["write"](1)`: the DOM reached by bracket access.
const BRACKET_ACCESS =
  /\b(?:document|window|self|top|parent|globalthis|frames|this)\s*\[\s*["'`](?:document|cookie|location|write|writeln|domain|eval|alert|prompt|constructor|localstorage|sessionstorage|innerhtml|outerhtml|open)["'`]/;
// `location=name`, `location.href='javascript:…'`: navigation to attacker-controlled script.
const LOCATION_ASSIGN =
  /(?:^|[^a-z0-9_$])(?:(?:document|window|self|top)\.)?location(?:\.href)?\s*=\s*(?:name\b|window\.name|atob\s*\(|unescape\s*\(|string\.fromcharcode|document\.|["'`]\s*javascript:)/;
const STRING_JOIN = /["'`] *\+ *["'`]/;
const QUOTE = /["'`]/;
// `top.location='//evil.example'`: script that sends the page elsewhere (P2: documentation shows it).
const LOCATION_URL =
  /(?:^|[^a-z0-9_$])(?:(?:document|window|self|top|parent)\.)?location(?:\.href)?\s*=\s*["'`](?:https?:)?\/\//;
// `window.open('//evil.example')`: a window opened by script, the popup of a spam or phishing page.
const WINDOW_OPEN = /\b(?:window|self|top|parent)\.open\s*\(\s*["'`]/;
const IE_NAMESPACE = /<\??xml:namespace\b/;
const ASCII_MARKUP = /\u00bc\/?(?:script|img|svg|iframe|body|a\s)/;
/** JSFuck and its kin: at least this many characters of only `[]()!+` in a row. */
const JSFUCK_RUN = 24;

/** Where a run of JSFuck-style code (`[][(![]+[])[+[]]…`) starts, or -1. */
function jsfuckAt(text: string): number {
  let start = -1;
  let bang = false;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    const member = c === 91 || c === 93 || c === 40 || c === 41 || c === 33 || c === 43;
    if (member) {
      if (start < 0) {
        start = i;
        bang = false;
      }
      if (c === 33) bang = true;
    } else {
      if (start >= 0 && bang && i - start >= JSFUCK_RUN) return start;
      start = -1;
    }
  }
  return -1;
}

const SINKS = [
  'alert',
  'prompt',
  'confirm',
  'eval',
  'settimeout',
  'setinterval',
  'fromcharcode',
  'atob',
  'execscript',
  'document.write',
  'document.cookie',
  'document.domain',
  'window.location',
  'document.location',
  'constructor',
  'import',
];

// `[1].find(alert)`, `x.then(eval)`: a dialog or eval function handed to a call as its callback.
const CALLBACK_SINK =
  /\.(?:find|map|filter|foreach|some|every|reduce|then|call|apply|sort|replace)\(\s*(?:alert|prompt|confirm|eval)\s*[),]/;

function tagChecks(lower: string, hits: Hit[]): void {
  for (const tag of readTags(lower)) {
    if (!/^[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)?$/.test(tag.name)) continue;
    if (tag.attributes.length > 0 && !tag.end) hits.push(hit(XSS_RULES['xss.tag-with-attributes'], tag.at));
    // In XHTML a prefix names the namespace: `<html:script>` is a script element, `<svg:svg>` an svg.
    const colon = tag.name.indexOf(':');
    const local = colon < 0 ? tag.name : tag.name.slice(colon + 1);
    if (tag.end) {
      // End tags carry no attributes in HTML, but old engines applied a style or handler written on one.
    } else if (SCRIPT_TAGS.has(local)) hits.push(hit(XSS_RULES['xss.script-tag'], tag.at));
    else if (ACTIVE_TAGS.has(local) && (tag.attributes.length > 0 || !isTypeArgument(lower, tag.at, local)))
      hits.push(hit(XSS_RULES['xss.active-tag'], tag.at));
    else if (MARKUP_TAGS.has(local)) hits.push(hit(XSS_RULES['xss.markup-tag'], tag.at));
    for (const attribute of tag.attributes) {
      if (
        EVENT_HANDLERS.has(attribute.name) ||
        /^on[a-z]{3,}$/.test(attribute.name) ||
        DATA_BINDING.has(attribute.name)
      ) {
        hits.push(hit(XSS_RULES['xss.event-handler'], attribute.at));
      } else if (
        URL_ATTRIBUTES.has(attribute.name) &&
        (scriptUrlAt(attribute.value) >= 0 || ATTRIBUTE_SCRIPT_URL.test(attribute.value))
      ) {
        hits.push(hit(XSS_RULES['xss.script-url'], attribute.at));
      } else if (attribute.name === 'style' && cssAttackIn(attribute.value) >= 0) {
        hits.push(hit(XSS_RULES['xss.css-expression'], attribute.at));
      } else if (attribute.name === 'style' && styleQuirk(attribute.value)) {
        hits.push(hit(XSS_RULES['xss.style-quirk'], attribute.at));
      } else if (
        attribute.name === 'style' &&
        attribute.value.includes('.svg') &&
        svgResourceAt(attribute.value) >= 0
      ) {
        hits.push(hit(XSS_RULES['xss.css-svg-resource'], attribute.at));
      } else if (LINK_ATTRIBUTES.has(attribute.name) && disguisedHost(attribute.value)) {
        hits.push(hit(XSS_RULES['xss.disguised-host'], attribute.at));
      } else if (local === 'input' && attribute.name === 'type' && attribute.value.trim() === 'password') {
        hits.push(hit(XSS_RULES['xss.credential-field'], tag.at));
      }
    }
  }
}

/** `" onmouseover="…`, `' autofocus onfocus=…`: the value closes an attribute and adds its own. */
function breakoutChecks(lower: string, hits: Hit[]): void {
  for (const quote of ['"', "'"]) {
    const at = lower.indexOf(quote);
    if (at < 0) continue;
    const { attributes } = readAttributes(lower, at + 1);
    for (const attribute of attributes) {
      if (EVENT_HANDLERS.has(attribute.name) && attribute.value.length > 0) {
        hits.push(hit(XSS_RULES['xss.attribute-breakout'], attribute.at));
        return;
      }
    }
  }
}

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

const ALIASED_SINKS = ['alert', 'prompt', 'confirm', 'eval'];

/**
 * `a=alert,a(1)`, `x=eval;x(name)`: a sink stored in a variable, then called through it (the name
 * a filter looks for never stands before a parenthesis). Each search resumes after the last: linear.
 */
function sinkAliasAt(lower: string): number {
  for (const sink of ALIASED_SINKS) {
    for (let at = lower.indexOf(sink); at >= 0; at = lower.indexOf(sink, at + 1)) {
      const end = at + sink.length;
      const after = lower.charCodeAt(end);
      if (isIdentChar(after) || (end < lower.length && !';,)\n '.includes(lower[end]!))) continue;
      let k = at - 1;
      while (k >= 0 && lower.charCodeAt(k) === 32) k--;
      if (lower.charCodeAt(k) !== 61 || lower.charCodeAt(k - 1) === 61) continue;
      k--;
      while (k >= 0 && lower.charCodeAt(k) === 32) k--;
      const nameEnd = k + 1;
      while (k >= 0 && nameEnd - k <= 32 && isIdentChar(lower.charCodeAt(k))) k--;
      const name = lower.slice(k + 1, nameEnd);
      if (name.length === 0 || (k >= 0 && lower[k] === '.')) continue;
      for (let call = lower.indexOf(`${name}(`, end); call >= 0; call = lower.indexOf(`${name}(`, call + 1)) {
        if (!isIdentChar(lower.charCodeAt(call - 1)) && lower[call - 1] !== '.') return k + 1;
      }
    }
  }
  return -1;
}

// `document.createElement('script')`, `createElement("iframe")`: a script-capable element built by
// script (the classic way to load a remote script into the page). A quote, then the tag name.
const DOM_ELEMENT = /createelement\s*\(\s*["'`](?:script|iframe|embed|object|frame)["'`]/;
// `new ActiveXObject('htmlfile')`: a COM object created by script (IE), a way out of the page.
const ACTIVEX = /\bnew\s+activexobject\s*\(/;

/** Where the first end tag of a script element is (`</script`, XHTML's `</html:script`), or -1. */
function scriptEndAt(lower: string): number {
  const close = lower.indexOf('</script');
  if (close >= 0 || !lower.includes(':script')) return close;
  for (let at = lower.indexOf(':script'); at >= 0; at = lower.indexOf(':script', at + 7)) {
    let k = at - 1;
    while (k >= 0 && at - k <= 32 && /[a-z0-9-]/.test(lower[k]!)) k--;
    if (k < at - 1 && lower.startsWith('</', k - 1)) return k - 1;
  }
  return -1;
}

/**
 * Where a value leaves or opens an HTML comment of the page, or -1: it begins by closing one
 * (`-->`, IE's `<![endif]-->`), so what follows is markup again, or ends by opening one it does not
 * close (`<!--`), which hides the page's markup after it. Prose arrows (`A --> B`) sit mid-text.
 */
function commentBreakoutAt(lower: string): number {
  const text = lower.trim();
  const offset = lower.indexOf(text);
  if (text.startsWith('-->') || text.startsWith('<![endif]')) return offset;
  const open = text.lastIndexOf('<!--');
  return open >= 0 && !text.includes('-->', open + 4) ? offset + open : -1;
}

// What a script's first statement starts with when it attacks the page.
const SCRIPT_STARTS = ['alert', 'prompt', 'confirm', 'eval', 'document.', 'window.', 'location', 'top.'];

/**
 * `scriptalert(1)/script`, `"scriptdocument.cookie=…;/script`: a script element whose angle
 * brackets a filter removed (or that a later decoding step restores); where its `script` starts,
 * or -1. The word `script` is glued to a sink or DOM object and closed by `/script`.
 */
function bracketlessScriptAt(lower: string): number {
  const close = lower.lastIndexOf('/script');
  for (let at = lower.indexOf('script'); at >= 0 && at < close; at = lower.indexOf('script', at + 6)) {
    const before = lower.charCodeAt(at - 1);
    if (before === 60 || (before >= 97 && before <= 122)) continue;
    if (SCRIPT_STARTS.some((start) => lower.startsWith(start, at + 6))) return at;
  }
  return -1;
}

/** `';alert(1)//`, `"-prompt(1)-"`: a sink called right after a string or statement breakout. */
/** Sinks that run a string, reached with something other than a string of code. */
const CODE_TAKING = new Set(['settimeout', 'setinterval', 'constructor', 'import']);

/**
 * Whether the argument at `from` (after the parenthesis) makes the call a sink. `setTimeout` with a
 * function (`function () {…}`, `() => …`) runs no string; a class's `constructor(url: string)`
 * declares one, while `[].constructor.constructor('alert(1)')` builds a function from a string; a
 * module `import('./lib.js')` of the page's own origin or a package name loads no attacker code,
 * `import('//evil.example/x.js')` and `import('data:…')` do.
 */
function sinkArgument(sink: string, lower: string, from: number): boolean {
  if (!CODE_TAKING.has(sink)) return true;
  let i = from;
  while (lower.charCodeAt(i) === 32) i++;
  const first = lower[i] ?? '';
  if (sink === 'settimeout' || sink === 'setinterval')
    return !(
      lower.startsWith('function', i) ||
      /^(?:async\s*)?(?:\([^()]{0,80}\)|[a-z_$][\w$]{0,40})\s*=>/.test(lower.slice(i, i + 100))
    );
  if (sink === 'constructor') return first === "'" || first === '"' || first === '`' || first === ')';
  if (first !== "'" && first !== '"' && first !== '`') return true;
  const close = lower.indexOf(first, i + 1);
  const specifier = lower.slice(i + 1, close < 0 ? i + 81 : Math.min(close, i + 81));
  return specifier.startsWith('//') || (specifier.includes(':') && !specifier.startsWith('node:'));
}

function sinkChecks(lower: string, hits: Hit[]): void {
  let best: Hit | undefined;
  for (const sink of SINKS) {
    // Each search resumes after the previous match, so this stays linear per sink.
    for (let at = lower.indexOf(sink); at >= 0; at = lower.indexOf(sink, at + 1)) {
      const before = at > 0 ? lower.charCodeAt(at - 1) : 32;
      let j = at + sink.length;
      // JavaScript allows spaces and comments between a callee and its parenthesis (`eval/**/(…)`).
      for (;;) {
        while (lower.charCodeAt(j) === 32) j++;
        if (!lower.startsWith('/*', j)) break;
        const close = lower.indexOf('*/', j + 2);
        if (close < 0) break;
        j = close + 2;
      }
      const after = lower.charCodeAt(j);
      // A template literal tags the call (alert`1`), also with its backticks escaped for a string
      // it is written into (alert\`1\`).
      let tick = j;
      while (lower.charCodeAt(tick) === 92 && tick - j < 4) tick++;
      const tagged =
        lower.charCodeAt(tick) === 96 && (sink === 'alert' || sink === 'prompt' || sink === 'confirm');
      // `alert(1)`, `alert?.(1)`, `alert.call(null,1)`, `eval.apply(…)`: each one calls the sink.
      const called =
        after === 40 ||
        tagged ||
        lower.startsWith('?.(', j) ||
        INDIRECT_CALL.test(lower.slice(j, j + 10)) ||
        // A DOM property is used when assigned, passed, ended or joined (`'…?c='+document.cookie`,
        // also as the value's last word).
        (sink.includes('.') &&
          (after === 61 || after === 41 || after === 59 || after === 43 || Number.isNaN(after)));
      if (!called || isIdentChar(before)) continue;
      if (after === 40 && !sinkArgument(sink, lower, j + 1)) continue;
      let k = at - 1;
      while (k >= 0 && lower.charCodeAt(k) === 32) k--;
      const prior = k >= 0 ? lower[k]! : '';
      const breakout = prior === '' || `'";)-+*|&}>=,([{:/!?`.includes(prior);
      if (best === undefined || (breakout && best.score < 5)) {
        best = hit(XSS_RULES[breakout ? 'xss.js-sink' : 'xss.js-sink.call'], at);
      }
      break;
    }
    if (best?.score === 5) break;
  }
  if (best !== undefined) hits.push(best);
}

/**
 * The value as its sender wrote it, for the checks that read escapes themselves (letters spelled as
 * escapes, 7-bit markup): a cookie value once percent-decoded (the eval and many clients encode
 * cookies, RFC 6265 §4.1.1), and `&amp;` read as `&` in any value (text escaped once or twice more
 * for XML or HTML still spells `&#106;`).
 */
function senderText(raw: string, kind: InputKind): string {
  let text = raw;
  if (kind === 'cookie' && text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // A stray `%` is text: the value stays as it came.
    }
  }
  // Only references matter here (`&amp;#106;`, or escaped twice, `&amp;amp;#106;`).
  if (!text.includes('&amp;#') && !text.includes('&amp;amp;#')) return text;
  for (let round = 0; round < 2 && text.includes('&amp;'); round++) text = text.replaceAll('&amp;', '&');
  return text;
}

/** The XSS detector. */
export const xssDetector: Detector = {
  category: 'xss',
  rules: Object.values(XSS_RULES),
  // Plain words only matter when the value is an event handler's name (`"onerror"` in a document).
  plainText: true,
  // Its only plain-text rule, xss.handler-name, starts at paranoia 2.
  plainTextParanoia: 2,
  plainScreen: handlerNameIn,
  detect(views, kind) {
    const hits: Hit[] = [];
    const lower = views.lower;
    if (PLAIN_WORDS.test(lower)) {
      // An event handler's name alone (`onmouseover`): a probe for which attributes a filter lets
      // through. From paranoia 2.
      const word = lower.trim();
      if (word.startsWith('on') && EVENT_HANDLERS.has(word)) hits.push(hit(XSS_RULES['xss.handler-name'], 0));
      return hits;
    }
    const raw = senderText(views.raw, kind);
    // Offsets into the raw view hold only when the sender's text is the raw value itself.
    const rawAt = (at: number) => (raw === views.raw ? at : 0);
    // A lone `<` written in some encoding (`&#x3c`, `%3C`, `\u003c`): a probe for which encodings
    // of markup survive. From paranoia 2.
    if (lower.length <= 2 && lower.trim() === '<' && raw.trim() !== '<')
      hits.push(hit(XSS_RULES['xss.encoded-angle'], 0, 'raw'));
    if (lower.includes('<')) {
      tagChecks(lower, hits);
      // In URL-encoded values `+` is a space: `<img+src=x+onerror=alert(1)>`.
      if (lower.includes('+')) tagChecks(lower.replaceAll('+', ' '), hits);
      // Closing a script element breaks out of an inline script context.
      const close = scriptEndAt(lower);
      if (close >= 0) {
        // With no `<script` of its own before it, the end tag closes the page's script element: the
        // value sits in an inline script (JSON or a template rendered into a page) and leaves it, at
        // the start of the value or right after closing a string, statement or template (`'}}</script>`).
        let k = close - 1;
        while (k >= 0 && lower.charCodeAt(k) === 32) k--;
        const own = lower.lastIndexOf('<script', close) >= 0;
        // In a path, a `/` starts the segment the value is in.
        const breakout = k < 0 || `'";)}>`.includes(lower[k]!) || (kind === 'path' && lower[k] === '/');
        hits.push(hit(XSS_RULES[!own && breakout ? 'xss.script-breakout' : 'xss.script-close'], close));
      }
      const rawText = RAW_TEXT_CLOSE.exec(lower);
      if (rawText !== null) hits.push(hit(XSS_RULES['xss.context-close'], rawText.index));
      // Letters written as escapes (`%69%6d%67`, `&#115;`, `\x61`): no client encodes letters, so
      // markup spelled that way was hidden from a filter on purpose.
      if (views.changed && (ENCODED_LETTER.test(views.raw) || ENCODED_LETTER.test(raw)))
        hits.push(hit(XSS_RULES['xss.encoded-letters'], 0, 'raw'));
      const documentTag = documentTagAt(lower);
      if (documentTag >= 0) hits.push(hit(XSS_RULES['xss.document-tag'], documentTag));
    }
    if (lower.includes('"') || lower.includes("'")) breakoutChecks(lower, hits);
    const url = scriptUrlAt(lower);
    if (url >= 0) hits.push(hit(XSS_RULES['xss.script-url'], 0));
    // IE 5–9 bound the tags of a declared namespace to a behaviour (HTML+TIME's `t:set` writes
    // innerHTML); nothing else reads the declaration.
    const namespace = lower.includes('xml:namespace') ? IE_NAMESPACE.exec(lower) : null;
    if (namespace !== null) hits.push(hit(XSS_RULES['xss.ie-namespace'], namespace.index));
    const legacy = legacySchemeAt(lower);
    if (legacy >= 0) hits.push(hit(XSS_RULES['xss.legacy-scheme'], legacy));
    // ASCII spelled as numeric references outside markup (markup has xss.encoded-letters). From P2.
    const referenced = views.changed && raw.includes('&#') ? referenceSpelledText(raw) : undefined;
    if (referenced !== undefined)
      hits.push(
        hit(
          XSS_RULES[escapesInside(referenced) ? 'xss.reference-spelled.escapes' : 'xss.reference-spelled'],
          0,
          'raw',
        ),
      );
    if (lower.includes('(') || lower.includes('`') || lower.includes('document.')) sinkChecks(lower, hits);
    const computed =
      COMPUTED_CALL.exec(lower) ??
      (lower.includes('reflect.') ? REFLECT_CALL.exec(lower) : null) ??
      (lower.includes('(') ? CALLBACK_SINK.exec(lower) : null);
    if (computed !== null) hits.push(hit(XSS_RULES['xss.computed-call'], computed.index));
    // `document['coo'+'kie']`: a name no filter sees whole. Needs a `+` between two quotes.
    let built = lower.includes('+') && STRING_JOIN.test(lower) ? stringBuiltAt(lower) : -1;
    // `s1='jav'+'ascr';s2=0?'':'ipt:';u=s1+s2`: the pieces joined through variables.
    if (built < 0 && lower.includes('=') && (lower.includes('+') || lower.includes('?')) && QUOTE.test(lower))
      built = foldedStringAt(lower);
    if (built >= 0) hits.push(hit(XSS_RULES['xss.string-built'], built));
    const stripped = lower.includes('/script') ? bracketlessScriptAt(lower) : -1;
    if (stripped >= 0) hits.push(hit(XSS_RULES['xss.bracketless-script'], stripped));
    const breaker = lower.includes('>') || lower.includes('*/') ? contextBreakerAt(lower) : -1;
    if (breaker >= 0) hits.push(hit(XSS_RULES['xss.context-breaker'], breaker));
    const entity = lower.includes('&{') ? jsEntityAt(lower) : -1;
    if (entity >= 0) hits.push(hit(XSS_RULES['xss.js-entity'], entity));
    const xslt = lower.includes('xsl') || lower.includes('xml-stylesheet') ? xsltAt(lower) : -1;
    if (xslt >= 0) hits.push(hit(XSS_RULES['xss.xslt'], xslt));
    const binding = lower.includes('xmlns:') ? namespaceBindingAt(lower) : -1;
    if (binding >= 0) hits.push(hit(XSS_RULES['xss.namespace-binding'], binding));
    const defaults = lower.includes('<!attlist') ? dtdAttributesAt(lower) : -1;
    if (defaults >= 0) hits.push(hit(XSS_RULES['xss.dtd-attributes'], defaults));
    const bracket = lower.includes('[') ? BRACKET_ACCESS.exec(lower) : null;
    if (bracket !== null) hits.push(hit(XSS_RULES['xss.bracket-access'], bracket.index));
    const location = lower.includes('location') ? LOCATION_ASSIGN.exec(lower) : null;
    if (location !== null) hits.push(hit(XSS_RULES['xss.location-assign'], location.index));
    else if (lower.includes('location')) {
      const away = LOCATION_URL.exec(lower);
      if (away !== null) hits.push(hit(XSS_RULES['xss.location-assign.url'], away.index));
    }
    const open = lower.includes('.open') ? WINDOW_OPEN.exec(lower) : null;
    if (open !== null) hits.push(hit(XSS_RULES['xss.location-assign.url'], open.index));
    const comment = lower.includes('-->') || lower.includes('<!--') ? commentBreakoutAt(lower) : -1;
    if (comment >= 0) hits.push(hit(XSS_RULES['xss.comment-breakout'], comment));
    const jsfuck = lower.includes('[]') ? jsfuckAt(lower) : -1;
    if (jsfuck >= 0) hits.push(hit(XSS_RULES['xss.jsfuck'], jsfuck));
    // Markup in other charsets: UTF-7 (`+ADw-script+AD4-`, RFC 2152) and 7-bit US-ASCII read as
    // Latin-1 (`¼script¾`, the high bit set on `<` and `>`).
    // The 7-bit form is read on the raw value: NFKC turns `¼` into `1⁄4`.
    // The UTF-16 of ASCII starts each shifted block with `A` (its high bits are zero).
    // Read on the decoded text (case kept): XML text writes the shift `&` as `&amp;`.
    const text = views.decoded;
    const utf7 = text.includes('+A') || text.includes('&A') ? utf7MarkupAt(text) : -1;
    const ascii = utf7 < 0 && raw.includes('\u00bc') ? ASCII_MARKUP.exec(raw.toLowerCase()) : null;
    if (utf7 >= 0) hits.push(hit(XSS_RULES['xss.encoded-markup'], utf7));
    else if (ascii !== null) hits.push(hit(XSS_RULES['xss.encoded-markup'], rawAt(ascii.index), 'raw'));
    const value = SINK_VALUE.exec(lower);
    if (value !== null) {
      const alias = sinkAliasAt(lower);
      hits.push(
        hit(
          XSS_RULES[alias >= 0 ? 'xss.sink-alias' : 'xss.sink-reference'],
          alias >= 0 ? alias : value.index,
        ),
      );
    }
    const element = lower.includes('createelement') ? DOM_ELEMENT.exec(lower) : null;
    if (element !== null) hits.push(hit(XSS_RULES['xss.dom-element'], element.index));
    const activex = lower.includes('activexobject') ? ACTIVEX.exec(lower) : null;
    if (activex !== null) hits.push(hit(XSS_RULES['xss.dom-element'], activex.index));
    let css = lower.includes('style') ? cssAttackIn(lower) : -1;
    if (css < 0 && lower.includes('expression')) css = declaredExpressionAt(lower);
    if (css >= 0) hits.push(hit(XSS_RULES['xss.css-expression'], css));
    if (
      lower.includes('svg') &&
      (lower.includes('format(') || lower.includes('@font-face')) &&
      svgFont(lower)
    )
      hits.push(hit(XSS_RULES['xss.css-svg-font'], 0));
    return hits;
  },
};
