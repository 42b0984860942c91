// Inert XML: a corpus line that, read as XML, is an ordinary document or fragment that can do
// nothing. It declares nothing (no DOCTYPE, ENTITY or other DTD markup), references nothing but the
// predefined and numeric character references, names no external resource (no attribute at all, so
// no SYSTEM/PUBLIC identifier, href, src, schemaLocation or namespace; no processing instruction
// but the XML declaration), uses no element HTML defines (so a browser renders nothing of it and
// runs nothing), and its text is at most two words. The text is read again after the references are decoded and the
// CDATA sections opened (what an XML reader hands the application), so escaped markup is judged as
// the markup it becomes. Documented in bench/README.md.

/** How many times escaped markup is read again (`&amp;lt;` spelled twice). */
const MAX_READINGS = 3;
const MAX_LENGTH = 2048;
/** At most this many words in all the text of the line: too few to make a statement (see below). */
const MAX_WORDS = 2;

// `<?xml version="1.0" encoding="ISO-8859-1" standalone="yes"?>` and nothing else in it.
const DECLARATION = /^<\?xml(?:\s+(?:version|encoding|standalone)\s*=\s*(?:"[\w.-]*"|'[\w.-]*'))*\s*\?>/;
// A start, end or empty-element tag without attributes, its name without a namespace prefix.
const TAG = /^<(\/?)([A-Za-z_][\w.-]*)\s*(\/?)>/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /^&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/;
// Every element HTML defines, now or once (and IE's `xml` data islands and `import`): an HTML
// parser gives these a rendering, a behaviour or a parsing context. An element of none of them is
// XML vocabulary (`methodCall`, `change-log`), an unknown element to a browser.
const HTML_ELEMENTS = new Set(
  `a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink blockquote body br button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe ilayer image img import input ins isindex kbd keygen label layer legend li link listing main map mark marquee math menu menuitem meta meter multicol nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture plaintext pre progress q rb rp rt rtc ruby s samp script search section select slot small source spacer span strike strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xml xmp`.split(
    ' ',
  ),
);
// A word: letters and digits, joined by `.`, `_` or `-` (`demo.sayHello`, `change-log`, `Tnn96`).
// Two of them cannot make a statement in a query, command or expression language: a breakout
// needs a quote, bracket, separator or operator character, none of which is in a word, and an
// operator word (`or`, `union`) needs an operand on either side.
const WORD = /^[\p{L}\p{N}]+(?:[._-][\p{L}\p{N}]+)*$/u;

/** The text an XML reader hands on for `markup` (references decoded, CDATA opened), or undefined when it is not inert markup. */
function readMarkup(markup: string): { text: string; markup: boolean } | undefined {
  let rest = markup.trim();
  let sawMarkup = false;
  const declaration = DECLARATION.exec(rest);
  if (declaration !== null) {
    rest = rest.slice(declaration[0].length);
    sawMarkup = true;
  }
  let text = '';
  while (rest.length > 0) {
    const c = rest[0];
    if (c === '<') {
      if (rest.startsWith('<![CDATA[')) {
        const end = rest.indexOf(']]>');
        if (end < 0) return undefined;
        text += rest.slice(9, end);
        rest = rest.slice(end + 3);
        sawMarkup = true;
        continue;
      }
      const tag = TAG.exec(rest);
      if (tag === null || HTML_ELEMENTS.has(tag[2]!.toLowerCase())) return undefined;
      // Tags separate words the way a space does.
      text += ' ';
      rest = rest.slice(tag[0].length);
      sawMarkup = true;
    } else if (c === '&') {
      const ref = REFERENCE.exec(rest);
      if (ref === null) return undefined;
      const code =
        ref[2] !== undefined ? Number(ref[2]) : ref[3] !== undefined ? Number.parseInt(ref[3], 16) : -1;
      if (code > 0x10ffff) return undefined;
      text += ref[1] !== undefined ? PREDEFINED[ref[1]]! : String.fromCodePoint(code);
      rest = rest.slice(ref[0].length);
    } else {
      const next = rest.search(/[<&]/);
      const end = next < 0 ? rest.length : next;
      text += rest.slice(0, end);
      rest = rest.slice(end);
    }
  }
  return { text, markup: sawMarkup };
}

/** Whether `line` is markup that can do nothing (see the head of this file). */
export function isInertXml(line: string): boolean {
  if (line.length > MAX_LENGTH || !/[<&]/.test(line)) return false;
  let current = line;
  let markup = false;
  for (let reading = 0; reading < MAX_READINGS; reading++) {
    const read = readMarkup(current);
    if (read === undefined) return false;
    markup ||= read.markup;
    // Escaped markup (`&lt;Tnn96&gt;`) or a CDATA section that holds markup: read what it becomes.
    if (/[<&]/.test(read.text)) {
      current = read.text;
      continue;
    }
    // Words alone are not markup: other rules (or none) decide about them.
    const words = read.text.split(/\s+/).filter((w) => w.length > 0);
    return markup && words.length <= MAX_WORDS && words.every((w) => WORD.test(w));
  }
  return false;
}
