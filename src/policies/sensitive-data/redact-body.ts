// Applies the scanner to a body: a parsed JSON value is walked and each string (and long integer)
// checked, so masks never break the document; other text is scanned whole. Locations are rendered
// only for the first finding of each type, not for every member walked.
import { isIssuedCredentialName, normalizeName } from '../../openapi/index.ts';
import { maskValue, type SensitiveMatch, type SensitiveType, scanText } from './scanner.ts';

/** The action configured per type. */
export type Action = 'mask' | 'block' | 'report';

/** What a scan found, by type: the first location, how many, and the configured action. */
export type Found = Map<SensitiveType, { location: string; count: number; action: Action }>;

/** What a scan of text found and did. */
export interface TextScan {
  readonly found: Found;
  /** The masked text, when something was masked. */
  readonly masked: string | undefined;
}

/** What a scan of a JSON value found and whether it masked members of the value in place. */
export interface JsonScan {
  readonly found: Found;
  readonly changed: boolean;
  /** The scanned value: the same one, or its masked replacement when the root itself is a string. */
  readonly value: unknown;
}

const MAX_DEPTH = 128;
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

interface Walk {
  readonly actions: ReadonlyMap<SensitiveType, Action>;
  readonly wanted: ReadonlySet<SensitiveType>;
  readonly found: Found;
  readonly root: string;
  /** Member names and indexes from the root to the value being scanned: `path[0..depth)`. */
  readonly path: (string | number)[];
  depth: number;
  changed: boolean;
  /** Keep JWTs in issued-credential members (see `isIssuedCredential`). */
  readonly keepIssued: boolean;
}

/**
 * Whether the string being scanned is a credential issued to the caller: a member named `…token` or
 * `jwt` (`token`, `access_token`, `auth_token`, `id_token`, `refresh_token`) at the root of the answer
 * or one object below it (`data.access_token`), never inside an array (a list of other users' tokens
 * is a leak, not a login answer). Masking it would break every call the caller makes with it.
 */
function isIssuedCredential(walk: Walk): boolean {
  if (walk.depth === 0 || walk.depth > 2) return false;
  for (let i = 0; i < walk.depth; i++) if (typeof walk.path[i] !== 'string') return false;
  return isIssuedCredentialName(normalizeName(walk.path[walk.depth - 1] as string));
}

function render(walk: Walk): string {
  let location = walk.root;
  for (let i = 0; i < walk.depth; i++) {
    const segment = walk.path[i]!;
    if (typeof segment === 'number') location += `[${segment}]`;
    else location += `.${segment.length <= 64 && PLAIN_KEY.test(segment) ? segment : '?'}`;
  }
  return location;
}

/** Scans one string; `location` is rendered from the walk's path when not given. */
function redactString(text: string, walk: Walk, location?: string): string | undefined {
  const matches: SensitiveMatch[] = scanText(text, walk.wanted);
  if (matches.length === 0) return undefined;
  let out = '';
  let from = 0;
  let changed = false;
  for (const match of matches) {
    let action = walk.actions.get(match.type)!;
    if (match.type === 'jwt' && action !== 'report' && walk.keepIssued && isIssuedCredential(walk))
      action = 'report';
    const seen = walk.found.get(match.type);
    if (seen === undefined) {
      walk.found.set(match.type, {
        location: location ?? render(walk),
        count: 1,
        action,
      });
    } else seen.count++;
    if (action !== 'mask') continue;
    out += text.slice(from, match.start) + maskValue(match.type, text.slice(match.start, match.end));
    from = match.end;
    changed = true;
  }
  return changed ? out + text.slice(from) : undefined;
}

/** Scans a member value; returns its replacement when it is a string (or long integer) that was masked. */
function walkValue(value: unknown, walk: Walk, depth: number): unknown {
  // Nothing the scanner finds is shorter than an email like `a@b.io`.
  if (typeof value === 'string') return value.length < 6 ? undefined : redactString(value, walk);
  // Card numbers stored as JSON numbers: 13+ digit integers are checked as text, masked as strings.
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) >= 1e12 ? redactString(String(value), walk) : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  // The value sits at `path[0..depth)`; its members are at index `depth`.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      walk.path[depth] = i;
      walk.depth = depth + 1;
      const replaced = walkValue(value[i], walk, depth + 1);
      if (replaced !== undefined) {
        value[i] = replaced;
        walk.changed = true;
      }
    }
  } else {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      walk.path[depth] = key;
      walk.depth = depth + 1;
      const replaced = walkValue(object[key], walk, depth + 1);
      if (replaced !== undefined) {
        object[key] = replaced;
        walk.changed = true;
      }
    }
  }
  return undefined;
}

function newWalk(
  actions: ReadonlyMap<SensitiveType, Action>,
  wanted: ReadonlySet<SensitiveType>,
  root: string,
  keepIssued: boolean,
): Walk {
  return { actions, wanted, found: new Map(), root, path: [], depth: 0, changed: false, keepIssued };
}

/** Scans a parsed JSON value, masking in place; `changed` says whether the value was edited. */
export function scanJson(
  value: unknown,
  root: string,
  actions: ReadonlyMap<SensitiveType, Action>,
  wanted: ReadonlySet<SensitiveType>,
  keepIssued = false,
): JsonScan {
  const walk: Walk = {
    actions,
    wanted,
    found: new Map(),
    root,
    path: [],
    depth: 0,
    changed: false,
    keepIssued,
  };
  // A bare JSON string or number at the root has no container to be replaced in.
  const replaced = walkValue(value, walk, 0);
  if (replaced !== undefined) return { found: walk.found, changed: true, value: replaced };
  return { found: walk.found, changed: walk.changed, value };
}

/** Scans text as a whole (non-JSON bodies, or JSON that does not parse). */
export function scanPlainText(
  text: string,
  root: string,
  actions: ReadonlyMap<SensitiveType, Action>,
  wanted: ReadonlySet<SensitiveType>,
): TextScan {
  const walk = newWalk(actions, wanted, root, false);
  return { found: walk.found, masked: redactString(text, walk, root) };
}
