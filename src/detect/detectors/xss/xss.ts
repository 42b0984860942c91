// Cross-site scripting: HTML tags and attributes read by a tokenizer (script-capable elements,
// event handlers, script URLs, CSS expressions), attribute-context breakouts, and JavaScript
// sink calls after a string breakout.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { EVENT_HANDLERS } from './events.ts';
import { readAttributes, readTags } from './html-lexer.ts';
import { XSS_RULES } from './rules.ts';

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
// IE data binding attributes that render fetched data as HTML.
const DATA_BINDING = new Set(['datasrc', 'datafld', 'dataformatas']);
// Closing tags of raw-text elements, whose content a payload escapes from (polyglots).
const RAW_TEXT_CLOSE = /<\/(?:title|textarea|style|noscript|xmp|iframe|noembed|template)\b/;
// `top['al'+'ert'](1)`, `window[x](1)`: a global looked up by a computed name and called.
const COMPUTED_CALL = /\b(?:top|window|self|parent|frames|globalthis|content)\s*\[[^\]]{1,80}\]\s*\(/;
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
const UTF7_MARKUP = /\+adw-[a-z/!]/;
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

function scriptUrlAt(lower: string): number {
  const match = SCRIPT_URL.exec(lower);
  return match === null ? -1 : match.index;
}

// Inside a URL attribute the value is a URL whatever follows the colon (`href="java\nscript:\nalert(1)"`).
const ATTRIBUTE_SCRIPT_URL = new RegExp(
  `^[\\s\\u0000-\\u001f]*(?:${SCRIPT_SCHEMES.map((scheme) =>
    [...scheme].map((c) => c.replace(/[/+.]/g, '\\$&')).join('[\\t\\n\\r\\u0000-\\u001f]*'),
  ).join('|')})`,
);

// `[1].find(alert)`, `x.then(eval)`: a dialog or eval function handed to a call as its callback.
const CALLBACK_SINK =
  /\.(?:find|map|filter|foreach|some|every|reduce|then|call|apply|sort|replace)\(\s*(?:alert|prompt|confirm|eval)\s*[),]/;

function cssAttackAt(lower: string): number {
  for (const marker of ['expression(', '-moz-binding', 'behavior:', 'behaviour:', '@import', 'binding:']) {
    const at = lower.indexOf(marker);
    if (at >= 0) return at;
  }
  return -1;
}

function tagChecks(lower: string, hits: Hit[]): void {
  for (const tag of readTags(lower)) {
    if (!/^[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)?$/.test(tag.name)) continue;
    if (tag.attributes.length > 0) hits.push(hit(XSS_RULES['xss.tag-with-attributes'], tag.at));
    if (SCRIPT_TAGS.has(tag.name)) hits.push(hit(XSS_RULES['xss.script-tag'], tag.at));
    else if (ACTIVE_TAGS.has(tag.name)) hits.push(hit(XSS_RULES['xss.active-tag'], tag.at));
    else if (MARKUP_TAGS.has(tag.name)) hits.push(hit(XSS_RULES['xss.markup-tag'], tag.at));
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
      } else if (attribute.name === 'style' && cssAttackAt(attribute.value) >= 0) {
        hits.push(hit(XSS_RULES['xss.css-expression'], attribute.at));
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

/** `';alert(1)//`, `"-prompt(1)-"`: a sink called right after a string or statement breakout. */
function sinkChecks(lower: string, hits: Hit[]): void {
  let best: Hit | undefined;
  for (const sink of SINKS) {
    // Each search resumes after the previous match, so this stays linear per sink.
    for (let at = lower.indexOf(sink); at >= 0; at = lower.indexOf(sink, at + 1)) {
      const before = at > 0 ? lower.charCodeAt(at - 1) : 32;
      let j = at + sink.length;
      while (lower.charCodeAt(j) === 32) j++;
      const after = lower.charCodeAt(j);
      const tagged = after === 96 && (sink === 'alert' || sink === 'prompt' || sink === 'confirm');
      // `alert(1)`, `alert?.(1)`, `alert.call(null,1)`, `eval.apply(…)`: each one calls the sink.
      const called =
        after === 40 ||
        tagged ||
        lower.startsWith('?.(', j) ||
        INDIRECT_CALL.test(lower.slice(j, j + 10)) ||
        (sink.includes('.') && (after === 61 || after === 41 || after === 59 || after === 43));
      if (!called || isIdentChar(before)) continue;
      let k = at - 1;
      while (k >= 0 && lower.charCodeAt(k) === 32) k--;
      const prior = k >= 0 ? lower[k]! : '';
      const breakout = prior === '' || `'";)-+*|&}>=,([{:/!`.includes(prior);
      if (best === undefined || (breakout && best.score < 5)) {
        best = hit(XSS_RULES[breakout ? 'xss.js-sink' : 'xss.js-sink.call'], at);
      }
      break;
    }
    if (best?.score === 5) break;
  }
  if (best !== undefined) hits.push(best);
}

/** The XSS detector. */
export const xssDetector: Detector = {
  category: 'xss',
  rules: Object.values(XSS_RULES),
  detect(views) {
    const hits: Hit[] = [];
    const lower = views.lower;
    if (lower.includes('<')) {
      tagChecks(lower, hits);
      // In URL-encoded values `+` is a space: `<img+src=x+onerror=alert(1)>`.
      if (lower.includes('+')) tagChecks(lower.replaceAll('+', ' '), hits);
      // Closing a script element breaks out of an inline script context.
      const close = lower.indexOf('</script');
      if (close >= 0) hits.push(hit(XSS_RULES['xss.script-close'], close));
      const rawText = RAW_TEXT_CLOSE.exec(lower);
      if (rawText !== null) hits.push(hit(XSS_RULES['xss.context-close'], rawText.index));
    }
    if (lower.includes('"') || lower.includes("'")) breakoutChecks(lower, hits);
    const url = scriptUrlAt(lower);
    if (url >= 0) hits.push(hit(XSS_RULES['xss.script-url'], 0));
    if (lower.includes('(') || lower.includes('`') || lower.includes('document.')) sinkChecks(lower, hits);
    const computed =
      COMPUTED_CALL.exec(lower) ??
      (lower.includes('reflect.') ? REFLECT_CALL.exec(lower) : null) ??
      (lower.includes('(') ? CALLBACK_SINK.exec(lower) : null);
    if (computed !== null) hits.push(hit(XSS_RULES['xss.computed-call'], computed.index));
    const bracket = lower.includes('[') ? BRACKET_ACCESS.exec(lower) : null;
    if (bracket !== null) hits.push(hit(XSS_RULES['xss.bracket-access'], bracket.index));
    const location = lower.includes('location') ? LOCATION_ASSIGN.exec(lower) : null;
    if (location !== null) hits.push(hit(XSS_RULES['xss.location-assign'], location.index));
    const jsfuck = lower.includes('[]') ? jsfuckAt(lower) : -1;
    if (jsfuck >= 0) hits.push(hit(XSS_RULES['xss.jsfuck'], jsfuck));
    // Markup in other charsets: UTF-7 (`+ADw-script+AD4-`, RFC 2152) and 7-bit US-ASCII read as
    // Latin-1 (`¼script¾`, the high bit set on `<` and `>`).
    // The 7-bit form is read on the raw value: NFKC turns `¼` into `1⁄4`.
    const utf7 = lower.includes('+adw') ? UTF7_MARKUP.exec(lower) : null;
    const ascii =
      utf7 === null && views.raw.includes('\u00bc') ? ASCII_MARKUP.exec(views.raw.toLowerCase()) : null;
    if (utf7 !== null) hits.push(hit(XSS_RULES['xss.encoded-markup'], utf7.index));
    else if (ascii !== null) hits.push(hit(XSS_RULES['xss.encoded-markup'], ascii.index, 'raw'));
    const value = SINK_VALUE.exec(lower);
    if (value !== null) hits.push(hit(XSS_RULES['xss.sink-reference'], value.index));
    const css = cssAttackAt(lower);
    if (css >= 0 && lower.includes('style')) hits.push(hit(XSS_RULES['xss.css-expression'], css));
    return hits;
  },
};
