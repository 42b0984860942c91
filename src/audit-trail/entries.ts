// What goes into the audit trail, built from what the rest of Rampart reports: admin changes (who,
// what, the outcome; never a body), config loads and reloads (a digest of the config, which never holds
// a secret, only references), policy mode changes between two configs, and chosen enforced denials.
import { createHash } from 'node:crypto';
import type { AdminChangeReport } from '../admin/server.ts';
import type { SecurityEventRecord } from '../observe/events.ts';
import { canonicalJson, type JsonValue } from './canonical-json.ts';
import type { AuditTrailConfig } from './config.ts';
import type { AuditDetails, AuditEntry } from './record.ts';

/** An admin API call that changes something (or tried to), as the admin listener reports it. */
export type AdminChange = AdminChangeReport;

/** The audit entry of an admin change. */
export function adminEntry(change: AdminChange): AuditEntry {
  return {
    kind: 'admin',
    action: change.action,
    actor: change.actor,
    outcome: String(change.status),
    target: change.target,
    details: { requestId: change.requestId, peer: change.peer, ...change.details },
  };
}

/** The SHA-256 of a config's canonical JSON: which config was running, without its content. */
export function configDigest(config: object): string {
  let text: string;
  try {
    text = canonicalJson(config as JsonValue);
  } catch {
    // A value canonical JSON has no form for (YAML's .inf): the plain serialization still identifies it.
    text = JSON.stringify(config);
  }
  return createHash('sha256').update(text).digest('hex');
}

/** The audit entry of a config load or reload. */
export function configEntry(
  action: 'load' | 'reload',
  reason: string,
  outcome: 'success' | 'failure',
  details: AuditDetails,
): AuditEntry {
  return { kind: 'config', action, actor: reason, outcome, details };
}

type PolicyBlocks = Readonly<Record<string, unknown>>;

/** The parts of a config whose policy modes are compared. */
export interface ModedConfig {
  readonly defaults?: { readonly policies?: PolicyBlocks } | undefined;
  readonly routes: ReadonlyArray<{ readonly name: string; readonly policies?: PolicyBlocks }>;
}

/** One policy of one route whose mode changed; `absent` when the policy is not on the route. */
export interface ModeChange {
  readonly route: string;
  readonly policy: string;
  readonly from: string;
  readonly to: string;
}

/** Each route's policies and their modes (a route's block replaces the default one). */
function modes(config: ModedConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const route of config.routes) {
    const blocks: PolicyBlocks = { ...config.defaults?.policies, ...route.policies };
    for (const [policy, block] of Object.entries(blocks)) {
      if (block === undefined || block === null) continue;
      const mode = (block as { mode?: unknown }).mode;
      out.set(`${route.name}\u0000${policy}`, typeof mode === 'string' ? mode : 'enforce');
    }
  }
  return out;
}

const MAX_MODE_CHANGES = 1000;

/** The policy mode changes from one config to the next (policies added or removed included). */
export function modeChanges(before: ModedConfig, after: ModedConfig): ModeChange[] {
  const was = modes(before);
  const now = modes(after);
  const changes: ModeChange[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const from = was.get(key) ?? 'absent';
    const to = now.get(key) ?? 'absent';
    if (from === to) continue;
    const [route = '', policy = ''] = key.split('\u0000');
    changes.push({ route, policy, from, to });
    if (changes.length >= MAX_MODE_CHANGES) break;
  }
  return changes;
}

/** The audit entry of a policy mode change. */
export function modeEntry(change: ModeChange, reason: string): AuditEntry {
  return {
    kind: 'config',
    action: 'policy-mode',
    actor: reason,
    outcome: 'success',
    target: { route: change.route, policy: change.policy },
    details: { from: change.from, to: change.to },
  };
}

/** Which events the trail keeps: enforced denials of the configured policies or codes. */
export function denialFilter(settings: AuditTrailConfig['denials']): (event: SecurityEventRecord) => boolean {
  const policies = new Set(settings.policies);
  const codes = new Set<string>(settings.codes);
  return (event) =>
    event.outcome === 'denied' &&
    (policies.has(event.policy) || (event.code !== undefined && codes.has(event.code)));
}

/** The audit entry of a denial: where, whom, which rule; never the evidence or the request's content. */
export function denialEntry(event: SecurityEventRecord): AuditEntry {
  return {
    kind: 'denial',
    action: 'denied',
    actor: 'gateway',
    outcome: event.code ?? 'denied',
    time: event.time,
    target: { route: event.route, clientIp: event.clientIp, consumerId: event.consumerId },
    details: {
      requestId: event.requestId,
      policy: event.policy,
      rule: event.rule,
      location: event.location,
      severity: event.severity,
    },
  };
}
