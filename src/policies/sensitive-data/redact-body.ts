// Applies the scanner to a body: JSON is parsed and each string (and long integer) checked with its
// path, so masks never break the document; other text is scanned whole.
import { maskValue, type SensitiveMatch, type SensitiveType, scanText } from './scanner.ts';

/** The action configured per type. */
export type Action = 'mask' | 'block' | 'report';

/** What a scan found and did. */
export interface BodyScan {
  /** Types found, each with its first location and count. */
  readonly found: Map<SensitiveType, { location: string; count: number; action: Action }>;
  /** The masked body text, when something was masked. */
  readonly masked: string | undefined;
}

const MAX_DEPTH = 128;

function record(scan: BodyScan, type: SensitiveType, location: string, action: Action): void {
  const seen = scan.found.get(type);
  if (seen === undefined) scan.found.set(type, { location, count: 1, action });
  else seen.count++;
}

function redactString(
  text: string,
  location: string,
  actions: ReadonlyMap<SensitiveType, Action>,
  wanted: ReadonlySet<SensitiveType>,
  scan: BodyScan,
): string | undefined {
  const matches: SensitiveMatch[] = scanText(text, wanted);
  if (matches.length === 0) return undefined;
  let out = '';
  let from = 0;
  let changed = false;
  for (const match of matches) {
    const action = actions.get(match.type)!;
    record(scan, match.type, location, action);
    if (action !== 'mask') continue;
    out += text.slice(from, match.start) + maskValue(match.type, text.slice(match.start, match.end));
    from = match.end;
    changed = true;
  }
  return changed ? out + text.slice(from) : undefined;
}

/** Scans (and masks in place) a parsed JSON value; returns whether anything was masked. */
function walkJson(
  value: unknown,
  location: string,
  actions: ReadonlyMap<SensitiveType, Action>,
  wanted: ReadonlySet<SensitiveType>,
  scan: BodyScan,
  depth: number,
): unknown {
  if (typeof value === 'string') return redactString(value, location, actions, wanted, scan);
  // Card numbers stored as JSON numbers: 13+ digit integers are checked as text, masked as strings.
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) >= 1e12
      ? redactString(String(value), location, actions, wanted, scan)
      : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const replaced = walkJson(value[i], `${location}[${i}]`, actions, wanted, scan, depth + 1);
      if (replaced !== undefined) value[i] = replaced;
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const replaced = walkJson(
      object[key],
      `${location}.${key.length <= 64 && /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : '?'}`,
      actions,
      wanted,
      scan,
      depth + 1,
    );
    if (replaced !== undefined) object[key] = replaced;
  }
  return undefined;
}

/** Scans a body: `json` decides whether it is walked as JSON (falls back to text when not parseable). */
export function scanBody(
  text: string,
  json: boolean,
  root: string,
  actions: ReadonlyMap<SensitiveType, Action>,
): BodyScan {
  const wanted = new Set(actions.keys());
  const scan: BodyScan & { masked: string | undefined } = { found: new Map(), masked: undefined };
  if (json) {
    let value: unknown;
    let parsed = true;
    try {
      value = JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (parsed) {
      const countBefore = () => [...scan.found.values()].filter((f) => f.action === 'mask').length;
      const replaced = walkJson(value, root, actions, wanted, scan, 0);
      if (replaced !== undefined) value = replaced;
      if (countBefore() > 0) scan.masked = JSON.stringify(value);
      return scan;
    }
  }
  scan.masked = redactString(text, root, actions, wanted, scan);
  return scan;
}
