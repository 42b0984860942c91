// The XML external entity rules.
import { ruleTable } from '../../rules.ts';

export const XXE_RULES = ruleTable('xxe', {
  'xxe.xml-document': {
    paranoia: 1,
    score: 5,
    description: 'an XML declaration where a word is expected (query, header, cookie, path)',
  },
  'xxe.xml-document.field': {
    paranoia: 2,
    score: 3,
    description:
      'an XML document in a body value not parsed as XML (a JSON string, a form or multipart field or text file, a body of another type)',
  },
  'xxe.cdata-markup.field': {
    paranoia: 2,
    score: 3,
    description: 'a CDATA section holding markup in a body value not parsed as XML',
  },
  'xxe.cdata': { paranoia: 1, score: 3, description: 'a CDATA section where a word is expected' },
  'xxe.cdata-markup': {
    paranoia: 1,
    score: 5,
    description: 'a CDATA section holding markup where a word is expected (`<![CDATA[<script>…]]>`)',
  },
  'xxe.external-entity': {
    paranoia: 1,
    score: 5,
    description: 'an ENTITY declaration with a SYSTEM or PUBLIC identifier',
  },
  'xxe.parameter-entity': {
    paranoia: 1,
    score: 5,
    description: 'a parameter entity declaration (`<!ENTITY % x …>`)',
  },
  'xxe.entity': {
    paranoia: 1,
    score: 5,
    description: 'an internal ENTITY declaration (entity expansion, billion laughs)',
  },
  'xxe.external-doctype': {
    paranoia: 1,
    score: 5,
    description: 'a DOCTYPE with an external SYSTEM/PUBLIC identifier',
  },
  'xxe.doctype': { paranoia: 1, score: 3, description: 'a DOCTYPE declaration' },
  'xxe.internal-subset': {
    paranoia: 1,
    score: 5,
    description: 'a DOCTYPE with an internal subset (`<!DOCTYPE x [ … ]>`): declarations of its own',
  },
  'xxe.dtd-declaration': {
    paranoia: 1,
    score: 3,
    description: 'an ATTLIST, ELEMENT or NOTATION declaration (DTD markup) outside a DOCTYPE',
  },
  'xxe.xslt': { paranoia: 1, score: 5, description: 'an XSLT stylesheet with scripting or document() calls' },
  'xxe.xslt-extension': {
    paranoia: 1,
    score: 5,
    description:
      'an XSLT extension-function call or namespace that reaches the host language (`php:function(…)`, Xalan `java:`)',
  },
  'xxe.stylesheet': {
    paranoia: 2,
    score: 3,
    description:
      'an XSLT stylesheet or a stylesheet processing instruction (`xmlns:xsl=…/XSL/Transform`, `<?xml-stylesheet …?>`)',
  },
  'xxe.import': {
    paranoia: 1,
    score: 5,
    description: 'an `<?import implementation=…?>` processing instruction',
  },
  'xxe.entity-reference': {
    paranoia: 1,
    score: 5,
    description:
      'a reference to an entity neither XML nor HTML predefines (`&systemEntity;`) as the whole value or in element content: it expands what a DTD elsewhere declared',
  },
  'xxe.entity-reference.embedded': {
    paranoia: 2,
    score: 3,
    description: 'a reference to an entity neither XML nor HTML predefines inside other text (`id &xxe; x`)',
  },
  'xxe.escaped-code-tag': {
    paranoia: 1,
    score: 5,
    description:
      'a template or processing-instruction tag spelled in character references where a word is expected (`&lt;%= x %&gt;` in a header)',
  },
  'xxe.escaped-code-tag.field': {
    paranoia: 2,
    score: 3,
    description: 'a template or processing-instruction tag spelled in character references in a body value',
  },
  'xxe.xinclude': { paranoia: 1, score: 5, description: 'an XInclude element' },
});
