// The cross-site scripting rules.
import { ruleTable } from '../../rules.ts';

export const XSS_RULES = ruleTable('xss', {
  'xss.bracket-access': {
    paranoia: 1,
    score: 5,
    description:
      "the DOM reached by bracket access with a string (`window['document']['cookie']`, `document[\"write\"]`)",
  },
  'xss.location-assign': {
    paranoia: 1,
    score: 5,
    description: 'navigation to attacker script (`location=name`, `location.href="javascript:…"`)',
  },
  'xss.location-assign.url': {
    paranoia: 2,
    score: 3,
    description:
      'navigation to another site or a new window by script (`top.location="//evil.example"`, `window.open(\'…\')`)',
  },
  'xss.jsfuck': {
    paranoia: 1,
    score: 5,
    description: 'JavaScript written with only `[]()!+` (JSFuck and kin)',
  },
  'xss.encoded-markup': {
    paranoia: 1,
    score: 5,
    description:
      "markup in UTF-7 (`+ADw-script+AD4-`, IMAP's `&ADw-`) or in 7-bit US-ASCII read as Latin-1 (`¼script¾`)",
  },
  'xss.script-tag': { paranoia: 1, score: 5, description: 'a `<script>` element' },
  'xss.active-tag': {
    paranoia: 1,
    score: 5,
    description:
      'an element that loads or runs active content (`<iframe>`, `<object>`, `<embed>`, `<base>`, `<meta>`)',
  },
  'xss.markup-tag': {
    paranoia: 1,
    score: 3,
    description: 'an element often used to carry script (`<svg>`, `<math>`, `<style>`, `<form>`)',
  },
  'xss.tag-with-attributes': { paranoia: 1, documents: 2, score: 2, description: 'any tag with attributes' },
  'xss.event-handler': {
    paranoia: 1,
    score: 5,
    description: 'an event handler or data-binding attribute in a tag (`onerror=`, `onload=`, `datasrc=`)',
  },
  'xss.script-url': {
    paranoia: 1,
    score: 5,
    description:
      'a script URL (`javascript:`, `vbscript:`, `data:text/html`), also with controls inside the scheme',
  },
  'xss.css-expression': {
    paranoia: 1,
    score: 5,
    description:
      'script in CSS (`expression(`, `-moz-binding`, `behavior:`), also a declared `x:expression` with something before its parenthesis',
  },
  'xss.attribute-breakout': {
    paranoia: 1,
    score: 5,
    description: 'a quote that closes an attribute and adds an event handler (`" onmouseover="…`)',
  },
  'xss.js-sink': {
    paranoia: 1,
    score: 5,
    description: "a JavaScript sink called right after a string or statement breakout (`';alert(1)//`)",
  },
  'xss.js-sink.call': {
    paranoia: 1,
    documents: 2,
    score: 3,
    description: 'a JavaScript sink called inside other text',
  },
  'xss.computed-call': {
    paranoia: 1,
    score: 5,
    description: "a global looked up by a computed name and called (`top['al'+'ert'](1)`)",
  },
  'xss.sink-reference': {
    paranoia: 1,
    score: 3,
    description: 'a dialog or eval function passed around as a value (`[1].find(alert)`)',
  },
  'xss.sink-alias': {
    paranoia: 1,
    score: 5,
    description: 'a dialog or eval function stored in a variable and called through it (`a=alert,a(1)`)',
  },
  'xss.dom-element': {
    paranoia: 1,
    score: 5,
    description:
      "a script-capable element or COM object built by script (`createElement('script')`, `new ActiveXObject(…)`)",
  },
  'xss.document-tag': {
    paranoia: 2,
    score: 3,
    description:
      'a start or end tag that rich text never holds: document structure, form controls, media, SVG/MathML (`<body>`, `</html>`, `<input>`), IE conditional comments',
  },
  'xss.script-breakout': {
    paranoia: 1,
    score: 5,
    description:
      "a `</script` without a script of its own, leading the value or after a closing quote, `;`, `)` or `}` (`'}}</script>`)",
  },
  'xss.encoded-letters': {
    paranoia: 1,
    score: 3,
    description:
      'markup whose letters were written as escapes (`%69%6d%67`, `&#115;`, `\\x61`): hidden on purpose',
  },
  'xss.handler-name': {
    paranoia: 2,
    score: 3,
    description: 'a value that is only an event handler attribute name (`onmouseover`): a filter probe',
  },
  'xss.encoded-angle': {
    paranoia: 2,
    score: 3,
    description: 'a value that is only a `<` in some encoding (`&#x3c`, `%3C`, `\\u003c`): a filter probe',
  },
  'xss.disguised-host': {
    paranoia: 1,
    score: 3,
    description:
      'a link or source whose host is disguised: credentials before it, a port that is not a number, an IPv4 address as one integer or in hex/octal (`http://1113982867/`), a trailing dot (`http://www.google.com./`), a scheme-relative name without a dot (`//google`)',
  },
  'xss.legacy-scheme': {
    paranoia: 1,
    score: 5,
    description:
      'a URL of an old browser protocol that reaches local files or other programs (`mhtml:`, `ms-its:`, `res://….dll`, `firefoxurl:`)',
  },
  'xss.ie-namespace': {
    paranoia: 1,
    score: 5,
    description:
      'IE\'s namespace declaration that binds tags to a behaviour (`<?xml:namespace … ns="urn:schemas-microsoft-com:time">`, `<xml:namespace prefix=…>`)',
  },
  'xss.string-built': {
    paranoia: 1,
    score: 5,
    description:
      "a DOM name, sink or script scheme spelled in string pieces joined by `+` (`document['coo'+'kie']`, `'java'+'script:'`), also through variables and constant ternaries (`s1=0?'':'jav';s2='ascript:';u=s1+s2`)",
  },
  'xss.credential-field': {
    paranoia: 1,
    score: 3,
    description: 'a password input in markup: a fake login form for the browser to fill in',
  },
  'xss.reference-spelled': {
    paranoia: 2,
    score: 3,
    description:
      'plain ASCII spelled as six or more numeric character references in a row (`&#106&#97&#118…`)',
  },
  'xss.bracketless-script': {
    paranoia: 1,
    score: 5,
    description:
      'a script element with its angle brackets stripped: `script` glued to a sink or DOM object and closed by `/script` (`scriptalert(1)/script`)',
  },
  'xss.context-breaker': {
    paranoia: 1,
    score: 5,
    description:
      "a run of punctuation that closes a quoted string and two other contexts at once (`\"'`-->]]>`): a polyglot's way out of an attribute, script, comment or CDATA section",
  },
  'xss.js-entity': {
    paranoia: 1,
    score: 5,
    description: 'a JavaScript entity as an attribute value (`size="&{alert(1)}"`, the locator\'s `=&{()}`)',
  },
  'xss.xslt': {
    paranoia: 1,
    score: 5,
    description:
      'an XSLT stylesheet, which writes any markup and calls extension functions: the XSL Transform namespace, an `xsl:` element, `<?xml-stylesheet type="text/xsl"?>`',
  },
  'xss.namespace-binding': {
    paranoia: 1,
    score: 5,
    description:
      'a namespace prefix bound to XHTML or SVG (`xmlns:html="http://www.w3.org/1999/xhtml"`, so `<html:script>` runs in XML), or declared without a URI for IE behaviours (`<html xmlns:xss>`)',
  },
  'xss.dtd-attributes': {
    paranoia: 1,
    score: 5,
    description:
      'a DTD attribute-list declaration that gives elements the XHTML or SVG namespace or an event handler by default (`<!ATTLIST img xmlns CDATA "http://www.w3.org/1999/xhtml">`)',
  },
  'xss.style-quirk': {
    paranoia: 1,
    score: 3,
    description:
      'a style attribute written to be read differently by browsers and filters: a brace, a string broken by a line break, a comment opener in a string or `url(`, a control character, an escape that spells ASCII (`\\63olor`)',
  },
  'xss.css-svg-resource': {
    paranoia: 1,
    score: 3,
    description:
      'a style attribute that loads an SVG document as a mask, clip path, filter, marker or generated content (`clip-path:url(x.svg#a)`, `content:url(x.svg)`)',
  },
  'xss.css-svg-font': {
    paranoia: 1,
    score: 5,
    description:
      'CSS that loads an SVG font (`@font-face{src:url(x.svg#f) format("svg")}`), a document that can hold script',
  },
  'xss.comment-breakout': {
    paranoia: 2,
    score: 3,
    description:
      'a value that begins by closing an HTML comment (`-->`, `<![endif]-->`) or ends by opening one it does not close (`<!--`)',
  },
  'xss.reference-spelled.escapes': {
    paranoia: 1,
    score: 5,
    description:
      'ASCII spelled as six or more numeric references in a row whose text is itself escaped (`&#92&#105&#92&#110…` is `\\i\\n…`): two layers of hiding',
  },
  'xss.script-close': {
    paranoia: 1,
    documents: 2,
    score: 3,
    description: "a `</script` (also XHTML's `</html:script`) that closes an inline script",
  },
  'xss.context-close': {
    paranoia: 1,
    score: 2,
    description: 'a closing tag of a raw-text element (`</title>`, `</textarea>`)',
  },
});
