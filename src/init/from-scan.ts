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
type Route = { name: string; match: { path: string; methods: string[] }; policies?: Block };

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
    const { route, policies, note, requires } = finding.fix;
    if (
      !isRecord(route) ||
      typeof route.path !== 'string' ||
      !Array.isArray(route.methods) ||
      !isRecord(policies)
    )
      continue;
    fixes.push({
      route: { path: route.path, methods: route.methods.filter((m): m is string => typeof m === 'string') },
      policies,
      note: typeof note === 'string' ? note : '',
      ...(typeof requires === 'string' ? { requires } : {}),
      finding: `${String(finding.check)} ${String(finding.operation)}`,
    });
  }
  return fixes;
}

/** Puts `addition` into a route's policy block: lists of rules and objects are joined, the rest set. */
function mergeBlock(existing: Block | undefined, addition: Block): Block {
  if (existing === undefined) return structuredClone(addition);
  const merged: Block = { ...existing };
  for (const [key, value] of Object.entries(addition)) {
    const current = merged[key];
    merged[key] = Array.isArray(current) && Array.isArray(value) ? [...current, ...value] : value;
  }
  return merged;
}

/**
 * Merges each ready fix into the routes whose pattern and methods it names (every route for `/**`);
 * `specPath` replaces the report's placeholder spec. Returns what was merged and what waits.
 */
export function mergeScanFixes(
  routes: Route[],
  fixes: readonly ScanFix[],
  specPath: string,
): { merged: string[]; waiting: string[] } {
  const merged: string[] = [];
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
      waiting.push(`${fix.finding}: no route of the spec matches ${fix.route.path}`);
      continue;
    }
    const policies = JSON.parse(
      JSON.stringify(fix.policies).replaceAll('"openapi.yaml"', JSON.stringify(specPath)),
    ) as Block;
    for (const route of targets) {
      route.policies ??= {};
      for (const [name, block] of Object.entries(policies)) {
        if (isRecord(block))
          route.policies[name] = mergeBlock(route.policies[name] as Block | undefined, block);
      }
    }
    merged.push(`${fix.finding} → ${targets.map((route) => route.name).join(', ')}: ${fix.note}`);
  }
  return { merged, waiting };
}
