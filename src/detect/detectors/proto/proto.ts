// Prototype pollution: member paths that reach `Object.prototype` — `__proto__`, or `constructor`
// followed by `prototype` — as JSON keys, bracket/dot query names (`a[__proto__][x]`) or values.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { PROTO_RULES } from './rules.ts';

/** Splits `a[b].c` style paths into segments. */
function segments(text: string): string[] {
  return text.split(/[[\].#&=?/]+/).filter((s) => s.length > 0);
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
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
      const member = kind === 'key' || kind === 'query' || kind === 'body';
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
