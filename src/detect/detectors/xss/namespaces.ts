// Namespaces that make markup script-capable in an XML document: a prefix bound to XHTML or SVG
// (`<html:script>` then runs), IE's prefix declared without a URI for its behaviours, and DTD
// attribute defaults that give every element such a namespace or a handler. One bounded pass each.

import { EVENT_HANDLERS } from './events.ts';

const SCRIPT_NAMESPACES = ['http://www.w3.org/1999/xhtml', 'http://www.w3.org/2000/svg'];

/**
 * Where a namespace prefix is bound to XHTML or SVG (`xmlns:html="http://www.w3.org/1999/xhtml"`),
 * or declared without a value in a tag (IE's `<html xmlns:xss>`, which `<?import namespace="xss"
 * implementation="….htc">` then binds to a behaviour), or -1. The default namespace of an XHTML or
 * SVG document (`xmlns="…"`) binds no prefix and is left to the element checks.
 */
export function namespaceBindingAt(lower: string): number {
  for (let at = lower.indexOf('xmlns:'); at >= 0; at = lower.indexOf('xmlns:', at + 6)) {
    let i = at + 6;
    while (i < lower.length && i - at < 40 && /[\w.-]/.test(lower[i]!)) i++;
    if (i === at + 6) continue;
    let j = i;
    while (lower.charCodeAt(j) === 32) j++;
    if (lower.charCodeAt(j) !== 61) {
      if (lower.charCodeAt(j) === 62 && lower.slice(Math.max(0, at - 256), at).includes('<')) return at;
      continue;
    }
    j++;
    while (lower.charCodeAt(j) === 32) j++;
    if (lower.charCodeAt(j) === 34 || lower.charCodeAt(j) === 39) j++;
    if (SCRIPT_NAMESPACES.some((namespace) => lower.startsWith(namespace, j))) return at;
  }
  return -1;
}

/**
 * Where a DTD attribute-list declaration gives elements the XHTML or SVG namespace or an event
 * handler by default (`<!ATTLIST img xmlns CDATA "http://www.w3.org/1999/xhtml" src CDATA "x">`),
 * or -1: every matching element of the document then carries it without writing it.
 */
export function dtdAttributesAt(lower: string): number {
  let at = lower.indexOf('<!attlist');
  while (at >= 0) {
    const body = lower.slice(at + 9, at + 521);
    const end = body.indexOf('>');
    const declaration = end < 0 ? body : body.slice(0, end);
    // The next declaration starts after this one: each character is read once.
    const next = lower.indexOf('<!attlist', at + 9 + declaration.length);
    if (SCRIPT_NAMESPACES.some((namespace) => declaration.includes(namespace))) return at;
    for (const word of declaration.split(/[\s"']+/)) if (EVENT_HANDLERS.has(word)) return at;
    at = next;
  }
  return -1;
}
