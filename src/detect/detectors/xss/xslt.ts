// XSLT in a value: a stylesheet turns an XML document into any markup, scripts included (in the
// browser through `<?xml-stylesheet type="text/xsl"?>`), and server-side processors call extension
// functions from it (`php:function`, Java and .NET bindings). One bounded pass per marker.

// The XSL Transformations namespace (XSLT 1.0 §2.1) and IE 5's working-draft one.
const NAMESPACES = ['http://www.w3.org/1999/xsl/transform', 'http://www.w3.org/tr/wd-xsl'];

/**
 * Where XSLT starts in `lower`, or -1: the XSLT namespace, an element of the `xsl:` prefix in a tag
 * or a DTD declaration (`<xsl:template>`, `</xsl:template>`, `<!ATTLIST xsl:stylesheet`), or an
 * `<?xml-stylesheet?>` instruction that applies XSL rather than CSS.
 */
export function xsltAt(lower: string): number {
  for (const namespace of NAMESPACES) {
    const at = lower.indexOf(namespace);
    if (at >= 0) return at;
  }
  for (let at = lower.indexOf('xsl:'); at >= 0; at = lower.indexOf('xsl:', at + 4)) {
    if (lower.charCodeAt(at - 1) === 60 || lower.startsWith('</', at - 2)) return at;
    let k = at - 1;
    while (k >= 0 && lower.charCodeAt(k) === 32) k--;
    if (k < at - 1 && (lower.startsWith('<!attlist', k - 8) || lower.startsWith('<!element', k - 8)))
      return at;
  }
  for (let at = lower.indexOf('<?xml-stylesheet'); at >= 0; at = lower.indexOf('<?xml-stylesheet', at + 16)) {
    const body = lower.slice(at + 16, at + 528);
    const end = body.indexOf('?>');
    const instruction = end < 0 ? body : body.slice(0, end);
    if (instruction.includes('xsl') || instruction.includes('/xml')) return at;
  }
  return -1;
}
