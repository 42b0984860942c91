// Prototype pollution: member paths that reach `Object.prototype` — `__proto__`, or `constructor`
// followed by `prototype` — as JSON keys, bracket/dot query names (`a[__proto__][x]`) or values.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { PROTO_RULES } from './rules.ts';

/** Splits `a[b].c` style paths into segments. */
function segments(text: string): string[] {
  return text.split(/[[\].#&=?/;,()]+/).filter((s) => s.length > 0);
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Whether `__proto__` at `at` is written as a member of a path or object (`a[__proto__]`,
 * `__proto__.x=1`, `{"__proto__":…}`), as parsers that merge cookies, headers (JSON cookies,
 * `qs`-style values) or route segments into objects read it; a mention in prose is not.
 */
function usedAsMember(text: string, at: number, kind: string): boolean {
  const before = at > 0 ? text[at - 1]! : '';
  const after = text[at + 9] ?? '';
  const delimiters = kind === 'path' ? '[].="\':&;?#/' : '[].="\':&;?#';
  if ((before === '' || delimiters.includes(before)) && (after === '' || delimiters.includes(after)))
    return true;
  // `__pro__proto__to__`: what a filter that deletes `__proto__` once leaves behind is `__proto__`.
  const stripped = text.slice(0, at) + text.slice(at + 9);
  return stripped.includes('__proto__');
}

/** The prototype pollution detector. */
export const protoDetector: Detector = {
  category: 'proto',
  rules: Object.values(PROTO_RULES),
  plainText: true,
  plainScreen: /__proto__|prototype/,
  detect(views, kind, location) {
    const text = views.lower;
    const hits: Hit[] = [];
    const proto = text.indexOf('__proto__');
    if (proto >= 0) {
      // A body may be a document that mentions `__proto__` in prose (a changelog): it counts there
      // only written as a member, as everywhere but keys and query values.
      const member = kind === 'key' || kind === 'query' || usedAsMember(text, proto, kind);
      hits.push(hit(PROTO_RULES[member ? 'proto.proto-key' : 'proto.proto-key.header'], proto));
      return hits;
    }
    if (kind === 'key' && text === 'prototype' && location.toLowerCase().endsWith('.constructor.prototype')) {
      hits.push(hit(PROTO_RULES['proto.constructor-prototype'], 0));
      return hits;
    }
    const ctor = text.indexOf('constructor');
    if (ctor >= 0 && text.includes('prototype', ctor)) {
      const parts = segments(text.slice(ctor, ctor + 256).replace(/["'\s:{]+/g, '.'));
      const i = parts.indexOf('constructor');
      const before = ctor > 0 ? text.charCodeAt(ctor - 1) : 46;
      if (i >= 0 && parts[i + 1] === 'prototype' && !isWordChar(before)) {
        hits.push(hit(PROTO_RULES['proto.constructor-prototype'], ctor));
      }
    }
    return hits;
  },
};
