// LDAP filter injection (RFC 4515 filter grammar): a value that closes the application's filter
// and opens its own — `*)(uid=*))(|(uid=*`, `admin)(!(&(1=0`, `*)(|(mail=*))`.
import { hit } from '../../rules.ts';
import type { Detector, Hit } from '../../types.ts';
import { LDAPI_RULES } from './rules.ts';

function isAttrChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 59 || c === 95;
}

/** Whether at `i` (just after `(`) an LDAP filter item starts: `|(`, `&(`, `!(`, `attr=`, `attr>=`, `attr~=`. */
function filterItemAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 124 || c === 38 || c === 33) {
    // `|(`, `&)`, a bare trailing operator, or one glued to an item (`(|cn=*)`).
    const next = text.charCodeAt(i + 1);
    return next === 40 || next === 41 || Number.isNaN(next) || filterItemAt(text, i + 1);
  }
  let j = i;
  while (j < text.length && j - i < 64 && isAttrChar(text.charCodeAt(j))) j++;
  // Extensible match (RFC 4515 §3): `attr:dn:=x`, `attr:1.2.840.113556.1.4.803:=2`, `:dn:2.5.13.5:=x`.
  for (let round = 0; round < 4 && text.charCodeAt(j) === 58; round++) {
    if (text.charCodeAt(j + 1) === 61) return j > i;
    const start = ++j;
    while (j < text.length && j - start < 64 && isAttrChar(text.charCodeAt(j))) j++;
    if (j === start) return false;
  }
  if (j === i) return false;
  const op = text.charCodeAt(j);
  return op === 61 || ((op === 62 || op === 60 || op === 126) && text.charCodeAt(j + 1) === 61);
}

/** Characters of filter syntax: a value made of them alone carries no data. */
const FILTER_SYMBOLS = /^[*()|&!=@/]{2,32}$/;

/**
 * Probes for filter injection: a value of filter symbols alone with a wildcard and an operator or an
 * unbalanced parenthesis (`*|`, `(*)*)`, `*)(`; the XPath forms `//*` and `@*` select every node or
 * attribute), or a filter item followed by more closing parentheses than it opened (`pass=q))`).
 */
function probeRule(text: string): 'ldapi.probe' | 'ldapi.probe.symbol' | 'ldapi.filter-close' | undefined {
  const value = text.trim();
  // One parenthesis or operator as the whole value: data never is that, a syntax probe is.
  if (value.length === 1) return '()|&'.includes(value) ? 'ldapi.probe.symbol' : undefined;
  if (value.length <= 32 && FILTER_SYMBOLS.test(value)) {
    if (!value.includes('*')) return undefined;
    return unmatchedClosing(value) > 0 || /[|&!]|\/\/\*|@\*/.test(value) ? 'ldapi.probe' : undefined;
  }
  if (value.length > 256 || !value.endsWith('))') || unmatchedClosing(value) < 2) return undefined;
  const eq = value.indexOf('=');
  return eq > 0 && eq < value.indexOf(')') ? 'ldapi.filter-close' : undefined;
}

/** How many `)` close nothing opened before them. */
function unmatchedClosing(value: string): number {
  let opened = 0;
  let surplus = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 40) opened++;
    else if (c === 41) {
      if (opened > 0) opened--;
      else surplus++;
    }
  }
  return surplus;
}

const MATCHING_RULE = /[a-z][\w-]{0,63}(?::dn)?:\d{1,9}(?:\.\d{1,9}){2,20}:=/;

/** The LDAP injection detector. */
export const ldapiDetector: Detector = {
  category: 'ldapi',
  rules: Object.values(LDAPI_RULES),
  detect(views) {
    const text = views.lower;
    const hits: Hit[] = [];
    // An extensible-match assertion with a matching rule OID (`userPassword:2.5.13.18:=x`) is LDAP
    // filter syntax even outside parentheses: nothing else writes `:<oid>:=`.
    const oid = text.includes(':=') ? MATCHING_RULE.exec(text) : null;
    if (oid !== null) {
      hits.push(hit(LDAPI_RULES['ldapi.extensible-match'], oid.index));
      return hits;
    }
    const probe = probeRule(text);
    if (probe !== undefined) {
      hits.push(hit(LDAPI_RULES[probe], 0));
      return hits;
    }
    if (!text.includes(')') && !text.includes('(')) return hits;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      if (text.charCodeAt(i) !== 41) continue;
      let j = i + 1;
      while (text.charCodeAt(j) === 41 || text.charCodeAt(j) === 32) j++;
      let k = j;
      while (text.charCodeAt(k) === 40 && k - j < 4) k++;
      if (k > j && filterItemAt(text, k)) {
        const starred = i > 0 && text.charCodeAt(i - 1) === 42;
        const eq = text.indexOf('=', k);
        const wildcard =
          eq > 0 && eq - k < 66 && (text.charCodeAt(eq + 1) === 42 || text.charCodeAt(eq + 1) === 41);
        const operator = text[k] === '|' || text[k] === '&' || text[k] === '!';
        const extensible = eq > k + 1 && text.charCodeAt(eq - 1) === 58;
        hits.push(
          hit(
            LDAPI_RULES[
              starred || operator || wildcard
                ? 'ldapi.filter-breakout'
                : extensible
                  ? 'ldapi.extensible-match'
                  : 'ldapi.filter-breakout.weak'
            ],
            i,
          ),
        );
        return hits;
      }
      i = j - 1;
    }
    // A value that starts a filter of its own: `*(|(mail=*))`, `(|(uid=*))`.
    const lead = text.trimStart();
    // `*)`, `*()`: a wildcard that closes the filter (fuzzing probes for filter injection).
    if (/^\*\)|^\*\(\)/.test(lead)) {
      hits.push(hit(LDAPI_RULES['ldapi.filter-breakout'], 0));
      return hits;
    }
    if (
      (lead.startsWith('*(') || lead.startsWith('(')) &&
      /^\*?\((?:[|&!]\(|[\w.-]+[~<>]?=)/.test(lead.slice(0, 80))
    ) {
      const strong = lead.startsWith('*') || /^\*?\([|&!]/.test(lead);
      hits.push(hit(LDAPI_RULES[strong ? 'ldapi.filter-breakout' : 'ldapi.filter'], 0));
    }
    return hits;
  },
};
