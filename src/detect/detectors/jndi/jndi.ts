// JNDI lookups (Log4Shell, CVE-2021-44228): `${…}` lookups are evaluated the way Log4j 2 resolves
// them — `${lower:j}`, `${upper:N}`, `${::-j}`, `${env:X:-j}`, `${date:'j'}` — innermost first, with a
// stack, so nested obfuscation collapses before the `jndi:` check. Linear: each `}` pops once.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { JNDI_RULES } from './rules.ts';

const MAX_NESTING = 64;

/** What Log4j would substitute for the lookup body `body` (already resolved inside). */
function resolveLookup(body: string): string {
  const fallback = body.indexOf(':-');
  if (fallback >= 0) return body.slice(fallback + 2);
  const colon = body.indexOf(':');
  if (colon < 0) return '';
  const name = body.slice(0, colon).trim().toLowerCase();
  const arg = body.slice(colon + 1);
  if (name === 'lower') return arg.toLowerCase();
  if (name === 'upper') return arg.toUpperCase();
  if (name === 'date') return arg.replace(/'/g, '');
  // Other lookups (env, sys, java, main…) resolve to unknown text; keep the marker so the
  // outer lookup still reads as one.
  return `\u0000${name}\u0000`;
}

/** Resolves lookups; returns the offset of the first `${` whose resolved body starts with `jndi:`. */
export function findJndi(text: string): number {
  const stack: { at: number; text: string }[] = [];
  let current = '';
  let resolved = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 36 && text.charCodeAt(i + 1) === 123 && stack.length < MAX_NESTING) {
      stack.push({ at: i, text: current });
      current = '';
      i++;
      continue;
    }
    if (c === 125 && stack.length > 0) {
      const frame = stack.pop()!;
      resolved++;
      const body = current.replace(/\s/g, '');
      if (/^jndi:/i.test(body)) return frame.at;
      current = frame.text + resolveLookup(current);
      continue;
    }
    current += text[i];
    // An unclosed lookup is still a lookup attempt once its body reads `jndi:`.
    if (stack.length > 0 && current.length <= 8 && /^\s*jndi:/i.test(current))
      return stack[stack.length - 1]!.at;
  }
  // Fragments whose lookups resolve to `jndi:` at the top (`j${::-n}di:`) build the lookup too.
  if (resolved > 0 && /j\s*n\s*d\s*i\s*:/i.test(stack.map((f) => f.text).join('') + current)) return 0;
  return -1;
}

/** The JNDI lookup detector. */
export const jndiDetector: Detector = {
  category: 'jndi',
  rules: Object.values(JNDI_RULES),
  detect(views) {
    if (!views.decoded.includes('${')) return [];
    const at = findJndi(views.decoded);
    const hits: Hit[] = [];
    if (at >= 0) hits.push(hit(JNDI_RULES['jndi.lookup'], at));
    else if (/\$\{\s*(?:env|sys|java|lower|upper|main|ctx|bundle|date|::-)/i.test(views.decoded)) {
      hits.push(hit(JNDI_RULES['jndi.nested-lookup'], views.decoded.indexOf('${')));
    }
    return hits;
  },
};
