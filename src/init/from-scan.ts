// `rampart init --from-scan report.json`: the fix blocks `rampart scan --format json` attaches to its
// findings, merged into the routes init writes. A block still waiting for a gateway feature
// (`requires`) is listed for the user instead of merged.
import { routePattern } from './route-pattern.ts';

/** A fix block as the scan report carries it (src/scanner/types.ts FixBlock). */
export interface ScanFix {
  readonly route: { readonly methods: readonly string[]; readonly path: string };
  readonly policies: Readonly<Record<string, unknown>>;
  readonly note: string;
  readonly requires?: string;
  /** The finding it fixes, for the report. */
  readonly finding: string;
}

type Block = Record<string, unknown>;
type Route = {
  name: string;
  match: { path: string; methods: string[] };
  upstream?: string;
  policies?: Block;
};

const MAX_FIXES = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads the fix blocks of a scan report (JSON); throws on a file that is not one. */
export function readScanFixes(text: string): ScanFix[] {
  const report: unknown = JSON.parse(text);
  if (!isRecord(report) || !Array.isArray(report.findings)) {
    throw new Error('not a rampart scan JSON report (no "findings")');
  }
  const fixes: ScanFix[] = [];
  for (const finding of report.findings.slice(0, MAX_FIXES)) {
    if (!isRecord(finding) || !isRecord(finding.fix)) continue;
    const label = `${String(finding.check)} ${String(finding.operation)}`;
    const main = fixOf(finding.fix, label);
    if (main === undefined) continue;
    fixes.push(main);
    // Blocks the same fix needs on other routes (a token shield's login route), merged the same way.
    const also = Array.isArray(finding.fix.also) ? finding.fix.also.slice(0, MAX_FIXES) : [];
    for (const block of also) {
      const fix = isRecord(block) ? fixOf(block, label) : undefined;
      if (fix !== undefined && fixes.length < MAX_FIXES * 4) fixes.push(fix);
    }
  }
  return fixes;
}

function fixOf(block: Record<string, unknown>, finding: string): ScanFix | undefined {
  const { route, policies, note, requires } = block;
  if (
    !isRecord(route) ||
    typeof route.path !== 'string' ||
    !Array.isArray(route.methods) ||
    !isRecord(policies)
  )
    return undefined;
  return {
    route: { path: route.path, methods: route.methods.filter((m): m is string => typeof m === 'string') },
    policies,
    note: typeof note === 'string' ? note : '',
    ...(typeof requires === 'string' ? { requires } : {}),
    finding,
  };
}

/** init's stand-in on administrator routes when nobody was named (`--admins`): refuses everyone. */
function isAdminPlaceholder(rule: unknown): boolean {
  return isRecord(rule) && rule.name === 'admins-only' && rule.deny === true;
}

/** Joins two lists of rules; the scan's `admins-only` rule (it knows the admins) replaces init's stand-in. */
function joinRules(current: unknown[], addition: unknown[]): unknown[] {
  const naming = addition.some((rule) => isRecord(rule) && rule.name === 'admins-only');
  return [...current.filter((rule) => !(naming && isAdminPlaceholder(rule))), ...addition];
}

/** Puts `addition` into a route's policy block: lists of rules and objects are joined, the rest set. */
function mergeBlock(existing: Block | undefined, addition: Block): Block {
  if (existing === undefined) return structuredClone(addition);
  const merged: Block = { ...existing };
  for (const [key, value] of Object.entries(addition)) {
    const current = merged[key];
    merged[key] = Array.isArray(current) && Array.isArray(value) ? joinRules(current, value) : value;
  }
  return merged;
}

/** Whether a route pattern (`/notes/:slug`, `/files/**`) matches a concrete path. */
function patternMatches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const have = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment === '**') return true;
    const given = have[i];
    if (given === undefined) return false;
    if (segment.startsWith(':') || segment === '*') {
      if (given === '') return false;
    } else if (segment !== given) return false;
  }
  return want.length === have.length;
}

/**
 * Merges each ready fix into the routes whose pattern and methods it names (every route for `/**`);
 * `specPath` replaces the report's placeholder spec. A route's block replaces the default one, so a
 * fix for a policy the route only has by default starts from the default's settings (`defaults`).
 * Returns what was merged and what waits.
 */
export function mergeScanFixes(
  routes: Route[],
  fixes: readonly ScanFix[],
  specPath: string,
  defaults: Readonly<Record<string, unknown>> = {},
): { merged: string[]; waiting: string[] } {
  const merged: string[] = [];
  const preflighted = new Set(
    routes.filter((route) => route.match.methods.includes('OPTIONS')).map((route) => route.match.path),
  );
  const grouped = new Map<string, { finding: string; note: string; names: Set<string> }>();
  const waiting: string[] = [];
  for (const fix of fixes) {
    if (fix.requires !== undefined) {
      waiting.push(`${fix.finding}: its fix needs ${fix.requires}`);
      continue;
    }
    const pattern = fix.route.path === '/**' ? undefined : routePattern(fix.route.path);
    const targets = routes.filter(
      (route) =>
        (pattern === undefined || route.match.path === pattern) &&
        (fix.route.methods.length === 0 || fix.route.methods.some((m) => route.match.methods.includes(m))),
    );
    if (targets.length === 0) {
      const broader = fix.route.path.includes(':')
        ? undefined
        : routes.filter((route) => patternMatches(route.match.path, fix.route.path));
      if (broader === undefined)
        waiting.push(`${fix.finding}: no route of the spec matches ${fix.route.path}`);
      // A concrete path no route forwards (an undocumented endpoint) is already refused: 404 at the gateway.
      else if (broader.length === 0)
        merged.push(`${fix.finding}: no route forwards ${fix.route.path}, the gateway answers 404`);
      else {
        // A broader route (`/users/:name`) would forward it: a route of its own refuses it (the router
        // prefers the literal path).
        const name = `undocumented-${routes.length}`;
        routes.push({
          name,
          match: {
            path: fix.route.path,
            methods: [...(fix.route.methods.length > 0 ? fix.route.methods : ['GET'])],
          },
          ...(broader[0]!.upstream === undefined ? {} : { upstream: broader[0]!.upstream }),
          policies: { authorize: { rules: [{ name: 'never-public', deny: true }] } },
        });
        merged.push(
          `${fix.finding} → ${name}: refused to everyone (${broader[0]!.name} would have forwarded it)`,
        );
      }
      continue;
    }
    const policies = JSON.parse(
      JSON.stringify(fix.policies).replaceAll('"openapi.yaml"', JSON.stringify(specPath)),
    ) as Block;
    const skipped: string[] = [];
    for (const route of targets) {
      route.policies ??= {};
      for (const [name, block] of Object.entries(policies)) {
        if (!isRecord(block)) continue;
        // A route that verifies the API's tokens itself (jwt with the secret you gave) keeps that.
        if (name === 'token-shield' && route.policies.jwt !== undefined) {
          skipped.push(route.name);
          continue;
        }
        const current = route.policies[name] ?? defaults[name];
        route.policies[name] = mergeBlock(isRecord(current) ? current : undefined, block);
        // Preflights reach a cors policy only on a route that takes OPTIONS (cors README): the first
        // route of each path takes them (the router allows one route per method and path).
        if (name === 'cors' && route.match.methods.length > 0 && !preflighted.has(route.match.path)) {
          if (!route.match.methods.includes('OPTIONS')) route.match.methods.push('OPTIONS');
          preflighted.add(route.match.path);
        }
      }
    }
    if (skipped.length > 0)
      waiting.push(
        `${fix.finding}: token-shield not merged into ${skipped.join(', ')} (jwt verifies tokens there)`,
      );
    // One line per finding and note: a fix spread over many routes (a token shield) reads as one.
    const key = JSON.stringify([fix.finding, fix.note]);
    const entry = grouped.get(key) ?? { finding: fix.finding, note: fix.note, names: new Set<string>() };
    for (const route of targets) entry.names.add(route.name);
    grouped.set(key, entry);
  }
  for (const { finding, note, names } of grouped.values())
    merged.push(`${finding} → ${[...names].join(', ')}: ${note}`);
  return { merged, waiting };
}
