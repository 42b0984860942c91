// The admin API's read endpoints behind the dashboard: traffic of the last hour, recent security
// events, posture (config checks, spec audit scores, the last scan), the running config and its
// reloads. Every one is a GET a read-only token may call; only posting a scan report writes.
import { auditSpecFile } from '../audit/index.ts';
import { postureOf } from '../audit/posture.ts';
import type { RampartConfig } from '../config/schema.ts';
import { mainSpecFilesOf } from '../openapi/spec-files.ts';
import type { PolicyDefinition } from '../policies/policy.ts';
import type { DashboardState } from './dashboard-state.ts';
import type { EventFilter } from './event-ring.ts';
import type { AdminReply, AdminRequest, AdminRoute } from './routes.ts';

/** The running config version, as the routes read it on each call. */
export interface RunningConfig {
  readonly config: RampartConfig;
  readonly versionId: number;
  readonly baseDir: string;
}

/** What the dashboard routes read. */
export interface DashboardRoutesOptions {
  readonly state: DashboardState;
  readonly running: () => RunningConfig;
  readonly definitions: readonly PolicyDefinition[];
}

/** Specs audited for one posture answer at most. */
const MAX_SPECS = 16;
const MAX_FILTER_LENGTH = 256;

const bad = (detail: string): AdminReply => ({ problem: 'RAMPART_ADMIN_BAD_REQUEST', detail });

class QueryError extends Error {}

function text(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (value.length > MAX_FILTER_LENGTH)
    throw new QueryError(`${name}: at most ${MAX_FILTER_LENGTH} characters`);
  return value;
}

// An instant as milliseconds since the epoch or ISO 8601.
function instant(query: URLSearchParams, name: string): number | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new QueryError(`${name}: milliseconds since the epoch or an ISO 8601 instant`);
  return ms;
}

function integer(query: URLSearchParams, name: string): number | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) throw new QueryError(`${name}: a positive integer`);
  return Number(value);
}

// The origin of an upstream without credentials a URL could carry (`https://user:pass@host`).
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

function readQuery(handle: (request: AdminRequest) => AdminReply): (request: AdminRequest) => AdminReply {
  return (request) => {
    try {
      return handle(request);
    } catch (error) {
      if (error instanceof QueryError) return bad(error.message);
      throw error;
    }
  };
}

/** Checks a posted scan report's shape (the JSON `rampart scan --format json` writes). */
function isScanReport(value: unknown): value is { findings: unknown[]; target: string } {
  if (value === null || typeof value !== 'object') return false;
  const report = value as Record<string, unknown>;
  return Array.isArray(report.findings) && typeof report.target === 'string';
}

/** The routes: GET /traffic, /events, /posture, /config, /scan-report; POST /scan-report. */
export function dashboardRoutes(options: DashboardRoutesOptions): AdminRoute[] {
  const { state } = options;
  // Auditing a spec reads and parses it: once per config version and file.
  let audited: { versionId: number; reports: unknown[] } | undefined;
  const specReports = (running: RunningConfig): unknown[] => {
    if (audited?.versionId === running.versionId) return audited.reports;
    const reports = mainSpecFilesOf(running.config, running.baseDir)
      .slice(0, MAX_SPECS)
      .map((file) => {
        try {
          return auditSpecFile(file);
        } catch (error) {
          return { file, error: error instanceof Error ? error.message : String(error) };
        }
      });
    audited = { versionId: running.versionId, reports };
    return reports;
  };

  return [
    {
      method: 'GET',
      path: '/traffic',
      handle: readQuery((request) => ({
        status: 200,
        json: state.traffic.view({
          minutes: integer(request.query, 'minutes'),
          route: text(request.query, 'route'),
        }),
      })),
    },
    {
      method: 'GET',
      path: '/events',
      handle: readQuery((request) => {
        const { query } = request;
        const filter: EventFilter = {
          route: text(query, 'route'),
          consumer: text(query, 'consumer'),
          rule: text(query, 'rule'),
          clientIp: text(query, 'clientIp'),
          outcome: text(query, 'outcome'),
          since: instant(query, 'since'),
          until: instant(query, 'until'),
          limit: integer(query, 'limit'),
        };
        return { status: 200, json: state.events.query(filter) };
      }),
    },
    {
      method: 'GET',
      path: '/posture',
      handle: () => {
        const running = options.running();
        const posture = postureOf(running.config, options.definitions);
        return {
          status: 200,
          json: {
            version: running.versionId,
            routes: posture.routes,
            findings: posture.findings,
            specs: specReports(running),
            scan: state.scanReport(),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/config',
      handle: () => {
        const { config, versionId } = options.running();
        return {
          status: 200,
          json: {
            version: versionId,
            reloads: state.reloads(),
            routes: config.routes.map((route) => ({
              name: route.name,
              path: route.match.path,
              methods: route.match.methods ?? null,
              upstream: route.upstream,
              policies: Object.keys({ ...config.defaults?.policies, ...route.policies }),
            })),
            // One target (`url`) or several (`targets`, weighted).
            upstreams: Object.entries(config.upstreams).map(([name, upstream]) => ({
              name,
              targets: (
                upstream.targets ?? (upstream.url === undefined ? [] : [{ url: upstream.url, weight: 1 }])
              ).map((target) => ({ url: safeUrl(target.url), weight: target.weight })),
            })),
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/scan-report',
      handle: () => ({ status: 200, json: state.scanReport() }),
    },
    {
      method: 'POST',
      path: '/scan-report',
      handle: (request) => {
        const type = String(request.headers['content-type'] ?? '').toLowerCase();
        if (!type.startsWith('application/json'))
          return { problem: 'RAMPART_ADMIN_UNSUPPORTED_MEDIA_TYPE', detail: 'send application/json' };
        let report: unknown;
        try {
          report = JSON.parse(request.body?.toString('utf8') ?? '');
        } catch {
          return bad('the body is not JSON');
        }
        if (!isScanReport(report)) return bad('a `rampart scan --format json` report: target and findings');
        state.keepScanReport(report);
        return { status: 201, json: { findings: report.findings.length } };
      },
    },
  ];
}
