// A shortest string for the plain regular expressions specs use as `pattern` (anchors, literals,
// classes, groups, alternation, quantifiers); anything else (lookaround, backreferences) gives up.
// The caller keeps the sample only when the pattern, compiled as the validator does, matches it.

const MAX_PATTERN = 500;
const NEGATED_CANDIDATES = ['a', '0', 'x', '_', 'Z', '-', '.'];

/** A string the pattern probably matches, or undefined when the pattern uses more than this reads. */
export function samplePattern(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN) return undefined;
  const state = { at: 0 };
  try {
    const sample = alternatives(pattern, state);
    return state.at === pattern.length ? sample : undefined;
  } catch {
    return undefined;
  }
}

/** The first alternative's sample; the others are skipped (parsed, so groups stay balanced). */
function alternatives(p: string, s: { at: number }): string {
  const first = sequence(p, s);
  while (p[s.at] === '|') {
    s.at++;
    sequence(p, s);
  }
  return first;
}

function sequence(p: string, s: { at: number }): string {
  let out = '';
  while (s.at < p.length && p[s.at] !== '|' && p[s.at] !== ')') {
    const atom = atomAt(p, s);
    const times = quantifier(p, s);
    out += atom.repeat(times);
  }
  return out;
}

function atomAt(p: string, s: { at: number }): string {
  const c = p[s.at]!;
  if (c === '^' || c === '$') {
    s.at++;
    return '';
  }
  if (c === '(') {
    s.at++;
    if (p[s.at] === '?') {
      if (p[s.at + 1] !== ':') throw new Error('lookaround or named group');
      s.at += 2;
    }
    const inner = alternatives(p, s);
    if (p[s.at] !== ')') throw new Error('unbalanced group');
    s.at++;
    return inner;
  }
  if (c === '[') return classAt(p, s);
  if (c === '.') {
    s.at++;
    return 'a';
  }
  if (c === '\\') return escapeAt(p, s, false);
  if ('*+?{'.includes(c)) throw new Error('quantifier without atom');
  s.at++;
  return c;
}

function escapeAt(p: string, s: { at: number }, inClass: boolean): string {
  const e = p[s.at + 1];
  if (e === undefined) throw new Error('trailing backslash');
  s.at += 2;
  if (e === 'd') return '0';
  if (e === 'w') return 'a';
  if (e === 's') return ' ';
  if (e === 'n') return '\n';
  if (e === 't') return '\t';
  if (e === 'b' && !inClass) return '';
  if (/[A-Za-z0-9]/.test(e)) throw new Error('escape not read');
  return e;
}

function classAt(p: string, s: { at: number }): string {
  s.at++;
  const negated = p[s.at] === '^';
  if (negated) s.at++;
  const members: Array<[string, string]> = [];
  let first = true;
  while (s.at < p.length && (p[s.at] !== ']' || first)) {
    first = false;
    let low: string;
    if (p[s.at] === '\\') {
      const e = p[s.at + 1];
      if (e === 'd') members.push(['0', '9']);
      else if (e === 'w') members.push(['a', 'z'], ['A', 'Z'], ['0', '9'], ['_', '_']);
      else if (e === 's') members.push([' ', ' ']);
      low = escapeAt(p, s, true);
      if (e === 'd' || e === 'w' || e === 's') continue;
    } else low = p[s.at++]!;
    if (p[s.at] === '-' && p[s.at + 1] !== ']' && s.at + 1 < p.length) {
      s.at++;
      const high = p[s.at] === '\\' ? escapeAt(p, s, true) : p[s.at++]!;
      members.push([low, high]);
    } else members.push([low, low]);
  }
  if (p[s.at] !== ']') throw new Error('unbalanced class');
  s.at++;
  if (!negated) {
    if (members.length === 0) throw new Error('empty class');
    return members[0]![0];
  }
  const inside = (c: string) => members.some(([low, high]) => c >= low && c <= high);
  const pick = NEGATED_CANDIDATES.find((c) => !inside(c));
  if (pick === undefined) throw new Error('no candidate outside the class');
  return pick;
}

/** How many times the atom is repeated: the least the quantifier allows. */
function quantifier(p: string, s: { at: number }): number {
  const c = p[s.at];
  let times = 1;
  if (c === '?' || c === '*') {
    times = 0;
    s.at++;
  } else if (c === '+') {
    s.at++;
  } else if (c === '{') {
    const close = p.indexOf('}', s.at);
    const body = close === -1 ? '' : p.slice(s.at + 1, close);
    const match = /^(\d{1,4})(,\d{0,4})?$/.exec(body);
    if (match === null) return 1; // a literal `{`
    times = Number(match[1]);
    s.at = close + 1;
  } else return 1;
  if (p[s.at] === '?') s.at++; // lazy: same least count
  return times;
}
