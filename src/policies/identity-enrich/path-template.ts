// `/users/v1/{sub}`: a path with `{claim}` placeholders, compiled once; each value comes from the
// identity's claims (dotted paths allowed) and is percent-encoded as one path segment (RFC 3986 §3.3),
// so a claim can never add segments, a query or `..` to the path.
import { claimAt } from '../../identity/claims.ts';

const NAME_CHARS = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A compiled template: literal parts and claim names, alternating. */
export interface PathTemplate {
  readonly claims: readonly string[];
  /** The path for these claims, or undefined when a placeholder's claim is absent or not a scalar. */
  expand(claims: Readonly<Record<string, unknown>>): string | undefined;
}

/** Compiles a template; throws on an unclosed brace or a bad placeholder name. */
export function compilePathTemplate(template: string): PathTemplate {
  const literals: string[] = [];
  const names: string[] = [];
  let at = 0;
  for (;;) {
    const open = template.indexOf('{', at);
    if (open === -1) break;
    const close = template.indexOf('}', open);
    if (close === -1) throw new Error(`path: unclosed "{" at ${open}`);
    const name = template.slice(open + 1, close);
    if (!NAME_CHARS.test(name)) throw new Error(`path: bad placeholder "{${name.slice(0, 32)}}"`);
    literals.push(template.slice(at, open));
    names.push(name);
    at = close + 1;
  }
  const rest = template.slice(at);
  if (rest.includes('}')) throw new Error('path: "}" without "{"');
  literals.push(rest);
  return {
    claims: names,
    expand(claims) {
      let out = literals[0]!;
      for (let i = 0; i < names.length; i++) {
        const value = claimAt(claims, names[i]!);
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
          return undefined;
        const text = String(value);
        if (text === '' || text.length > 1024) return undefined;
        // encodeURIComponent leaves `.` alone: a claim of `.` or `..` would become a dot segment.
        out += text === '.' || text === '..' ? text.replaceAll('.', '%2E') : encodeURIComponent(text);
        out += literals[i + 1]!;
      }
      return out;
    },
  };
}
