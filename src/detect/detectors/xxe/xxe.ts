// XML external entities and entity expansion: DOCTYPE declarations with ENTITY definitions,
// external identifiers (SYSTEM/PUBLIC), parameter entities, and XInclude (XML 1.0 §4.2, XInclude 1.0).
import { percentDecode } from '../../decode/percent.ts';
import { hit } from '../../rules.ts';
import type { Detector, Hit, Views } from '../../types.ts';
import { type EntityReference, undeclaredReferences } from './references.ts';
import { XXE_RULES } from './rules.ts';

function skipSpace(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charCodeAt(j) <= 32) j++;
  return j;
}

// PHP's XSL extension (`php:function`, `php:functionString`) and the Java bridges of Xalan and
// Saxon, declared by namespace URI (`xmlns:rt="http://xml.apache.org/xalan/java/java.lang.Runtime"`).
const EXTENSIONS = anyOf([
  'php:function(',
  'php:functionstring(',
  'http://xml.apache.org/xalan/java',
  'http://xml.apache.org/xslt/java',
  'xalan://',
  'java:java.lang.',
  'http://saxon.sf.net/java-type',
]);

/** A regular expression that finds any of `markers` in one pass (an alternation of literals, linear). */
function anyOf(markers: readonly string[]): RegExp {
  return new RegExp(markers.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'));
}

/** Where the first of `markers` is in `text`, or -1. */
function firstOf(text: string, markers: RegExp): number {
  return markers.exec(text)?.index ?? -1;
}

// The XSLT namespaces (1.0 and IE's working draft) and the processing instruction that makes a
// reader fetch a stylesheet and run it over the document.
const STYLESHEETS = anyOf([
  'http://www.w3.org/1999/xsl/transform',
  'http://www.w3.org/tr/wd-xsl',
  '<?xml-stylesheet',
]);

/** A declaration or a CDATA section, found in one pass (the text has many `<`; indexOf would retry each). */
const XML_MARKERS = /<(?:\?xml|!\[cdata\[)/;

/**
 * The first of `refs` (in text order) that sits in element content: a tag starts before it and the
 * last angle bracket before it is a `>`. One pass over the text up to the last reference.
 */
function inElementContent(text: string, refs: readonly EntityReference[]): EntityReference | undefined {
  const firstTag = text.search(/<[a-z_]/);
  if (firstTag < 0) return undefined;
  let lastLt = -1;
  let lastGt = -1;
  let i = 0;
  for (const ref of refs) {
    for (; i < ref.at; i++) {
      const c = text.charCodeAt(i);
      if (c === 60) lastLt = i;
      else if (c === 62) lastGt = i;
    }
    if (firstTag < ref.at && lastGt > lastLt) return ref;
  }
  return undefined;
}

/**
 * References to entities no DTD of the value declares (`&systemEntity;`): the half of an XXE that
 * expands what another part of the request (or the document the value lands in) declared. Decisive
 * as the whole value or in element content (`<text>&systemEntity;</text>`); anywhere else from
 * paranoia 2. HTML's named references (`&nbsp;`) are text, not entities.
 */
function referenceHits(text: string, hits: Hit[]): void {
  const refs = undeclaredReferences(text);
  if (refs.length === 0) return;
  const trimmed = text.trim();
  const alone = refs.length === 1 && trimmed.length === refs[0]!.end - refs[0]!.at;
  const content = inElementContent(text, refs);
  if (alone || content !== undefined)
    hits.push(hit(XXE_RULES['xxe.entity-reference'], content?.at ?? refs[0]!.at));
  else hits.push(hit(XXE_RULES['xxe.entity-reference.embedded'], refs[0]!.at));
}

// A template or processing-instruction opener written as a character reference: `&lt;%`, `&#60;?`,
// or escaped once more (`&amp;lt;%`, XML text that an XML reader hands on as `&lt;%`).
const ESCAPED_CODE_OPENER = /&(?:amp;)*(?:lt|#0*60|#x0*3c);?[%?]/;

/**
 * Where a template or processing-instruction tag spelled in character references starts
 * (`&lt;%= x %&gt;`, `&lt;?x ?&gt;`): code hidden from a filter for a layer that decodes XML or
 * HTML text, or -1.
 */
function escapedCodeTag(views: Views): number {
  if (!views.changed) return -1;
  const raw = views.raw.includes('%') ? percentDecode(views.raw) : views.raw;
  if (!ESCAPED_CODE_OPENER.test(raw.toLowerCase())) return -1;
  const text = views.lower;
  for (const [open, close] of [
    ['<%', '%>'],
    ['<?', '?>'],
  ] as const) {
    const at = text.indexOf(open);
    if (at >= 0 && !text.startsWith('<?xml', at) && text.indexOf(close, at + 2) > at) return at;
  }
  return -1;
}

/** The XXE detector. */
export const xxeDetector: Detector = {
  category: 'xxe',
  rules: Object.values(XXE_RULES),
  detect(views, kind) {
    const text = views.lower;
    const hits: Hit[] = [];
    // An XML document (declaration or CDATA section) where an API takes a word, not a document:
    // a URL parameter, header, cookie or path smuggling XML to a parser behind the gateway. A body
    // value (a JSON string, a form or multipart field, a body sent under a non-XML type; XML bodies
    // are parsed, their declaration is no value) is one too, but some APIs do take documents there
    // (an escaped SOAP payload in XML text, an uploaded text file): from paranoia 2.
    const word = kind !== 'body' && kind !== 'key';
    if ((word || kind === 'body') && XML_MARKERS.test(text)) {
      const declaration = text.indexOf('<?xml');
      // A document: the declaration leads the value, or markup follows it (prose may quote one).
      const close = declaration >= 0 ? text.indexOf('?>', declaration) : -1;
      const document =
        declaration >= 0 &&
        (text.trimStart().startsWith('<?xml') || close < 0 || text.indexOf('<', close + 2) >= 0);
      if (document)
        hits.push(hit(XXE_RULES[word ? 'xxe.xml-document' : 'xxe.xml-document.field'], declaration));
      const cdata = text.indexOf('<![cdata[');
      if (cdata >= 0) {
        // Markup inside the section (`<![CDATA[<script>…]]>`) is carried past XML escaping: the
        // section's only purpose in a value is to smuggle it.
        const end = text.indexOf(']]>', cdata + 9);
        const inside = text.slice(cdata + 9, end < 0 ? cdata + 9 + 1024 : end);
        const markup = /<[a-z/!?]/.test(inside);
        if (word) hits.push(hit(XXE_RULES[markup ? 'xxe.cdata-markup' : 'xxe.cdata'], cdata));
        else if (markup) hits.push(hit(XXE_RULES['xxe.cdata-markup.field'], cdata));
      }
    }
    let i = text.indexOf('<!');
    let guard = 0;
    while (i >= 0 && guard++ < 10_000) {
      const j = skipSpace(text, i + 2);
      if (text.startsWith('entity', j)) {
        const k = skipSpace(text, j + 6);
        const parameter = text.charCodeAt(k) === 37;
        const end = text.indexOf('>', k);
        const decl = text.slice(k, end < 0 ? Math.min(text.length, k + 2048) : Math.min(end, k + 2048));
        const external = /\s(?:system|public)\s/.test(` ${decl} `.replace(/["']/g, ' '));
        // The entity itself names the attack better than the subset that holds it.
        const subset = hits.findIndex((h) => h.rule === 'xxe.internal-subset');
        if (subset >= 0) hits.splice(subset, 1);
        hits.push(
          hit(
            XXE_RULES[external ? 'xxe.external-entity' : parameter ? 'xxe.parameter-entity' : 'xxe.entity'],
            i,
          ),
        );
        if (external) return hits;
      } else if (text.startsWith('doctype', j)) {
        // The external identifier comes before any internal subset (`[`…`]`).
        let end = text.indexOf('>', j);
        const subset = text.indexOf('[', j);
        if (subset >= 0 && (end < 0 || subset < end)) end = subset;
        const decl = text.slice(j, end < 0 ? Math.min(text.length, j + 2048) : Math.min(end, j + 2048));
        const external = /\s(?:system|public)\s/.test(` ${decl} `.replace(/["']/g, ' '));
        // An internal subset declares entities, attribute defaults or notations of its own: what
        // XXE and entity expansion are built from. Request documents have no reason to carry one
        // (SOAP forbids a DTD outright).
        const internal = subset >= 0 && end === subset;
        hits.push(
          hit(
            XXE_RULES[external ? 'xxe.external-doctype' : internal ? 'xxe.internal-subset' : 'xxe.doctype'],
            i,
          ),
        );
      } else if (
        text.startsWith('attlist', j) ||
        text.startsWith('element', j) ||
        text.startsWith('notation', j)
      ) {
        // Other markup declarations only live in a DTD: a value that carries one is writing a DTD.
        hits.push(hit(XXE_RULES['xxe.dtd-declaration'], i));
      }
      i = text.indexOf('<!', i + 2);
    }
    if (text.includes('&')) referenceHits(text, hits);
    // Nothing legitimate escapes markup in a header, cookie, URL parameter or path; a body value
    // may be escaped text about templates (a post about ERB), so there it counts from paranoia 2.
    const escaped = text.includes('<') ? escapedCodeTag(views) : -1;
    if (escaped >= 0)
      hits.push(hit(XXE_RULES[word ? 'xxe.escaped-code-tag' : 'xxe.escaped-code-tag.field'], escaped));
    // XSLT that reads files or calls PHP, and IE's `<?import implementation=…>` behaviours.
    const xslt = text.indexOf('<xsl:');
    if (
      xslt >= 0 &&
      /document\(|php:function|unparsed-text|system-property|xsl:include|xsl:import/.test(text)
    ) {
      hits.push(hit(XXE_RULES['xxe.xslt'], xslt));
    }
    // Extension functions run host-language code from inside a stylesheet, wherever the call sits
    // (an XML body puts it in an attribute value of its own, `select="php:function('system','id')"`).
    const extension = firstOf(text, EXTENSIONS);
    if (extension >= 0) hits.push(hit(XXE_RULES['xxe.xslt-extension'], extension));
    const stylesheet = firstOf(text, STYLESHEETS);
    if (stylesheet >= 0) hits.push(hit(XXE_RULES['xxe.stylesheet'], stylesheet));
    const pi = text.indexOf('<?import');
    if (pi >= 0 && text.includes('implementation', pi)) hits.push(hit(XXE_RULES['xxe.import'], pi));
    const include = text.indexOf('xinclude');
    if (include >= 0 || /<\w+:include\b/.test(text))
      hits.push(hit(XXE_RULES['xxe.xinclude'], Math.max(0, include)));
    return hits;
  },
};
