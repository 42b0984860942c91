// The container image's behaviour, tested with the Dockerfile's own commands outside a container
// (images cannot be built here): its ENTRYPOINT and CMD start the gateway, its HEALTHCHECK passes while
// it serves and fails once a drain starts, SIGTERM (its STOPSIGNAL) drains an in-flight request and
// exits 0, and nothing is written to the working directory or home (a read-only root works). The
// deploy config and the Kubernetes manifests are checked for what the image relies on.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { runCliInProcess } from './helpers/cli.ts';
import { startUpstream, type TestUpstream } from './helpers/upstream.ts';

const run = promisify(execFile);

/** The parts of a Deployment's pod the test reads. */
interface PodSpec {
  readonly terminationGracePeriodSeconds: number;
  readonly securityContext: { readonly runAsNonRoot: boolean };
  readonly containers: ReadonlyArray<{
    readonly readinessProbe: { readonly httpGet: { readonly path: string } };
    readonly livenessProbe: { readonly httpGet: { readonly path: string } };
    readonly securityContext: { readonly readOnlyRootFilesystem: boolean };
    readonly env: ReadonlyArray<{ readonly name: string; readonly valueFrom?: unknown }>;
    readonly lifecycle: { readonly preStop: { readonly sleep: { readonly seconds: number } } };
  }>;
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** The JSON-array form of a Dockerfile instruction in the final stage (the last one wins). */
function instruction(name: string): string[] {
  const finalStage = DOCKERFILE.slice(DOCKERFILE.lastIndexOf('\nFROM '));
  const lines = finalStage.split('\n').filter((line) => line.startsWith(`${name} `));
  const last = lines.at(-1);
  assert.ok(last !== undefined, `the final stage has ${name}`);
  const json = last.slice(last.indexOf('['));
  return JSON.parse(json) as string[];
}

describe('the container image', () => {
  let dir: string;
  let work: string;
  let upstream: TestUpstream;
  const held: ServerResponse[] = [];

  /** The image's command with its paths mapped onto this checkout and the test's config. */
  const mapped = (args: string[], config: string) =>
    args.map((arg) =>
      arg === 'node'
        ? process.execPath
        : arg === '/etc/rampart/rampart.yaml'
          ? config
          : arg.replace(/^\/app\//, ROOT),
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-container-'));
    work = mkdtempSync(join(tmpdir(), 'rampart-container-cwd-'));
    upstream = await startUpstream((req, res) => {
      if (req.url === '/slow') held.push(res);
      else res.end('ok');
    });
  });
  after(async () => {
    for (const res of held) res.end();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  test('is multi-stage, runs as a non-root user and checks /readyz', () => {
    assert.ok((DOCKERFILE.match(/^FROM /gm) ?? []).length >= 2);
    const user = /^USER (\S+)$/m.exec(DOCKERFILE.slice(DOCKERFILE.lastIndexOf('\nFROM ')))?.[1];
    assert.ok(user !== undefined && user !== 'root' && user !== '0');
    assert.match(DOCKERFILE, /^STOPSIGNAL SIGTERM$/m);
    assert.match(readFileSync(join(ROOT, 'bin', 'healthcheck.js'), 'utf8'), /\/readyz/);
    // Production dependencies only in the final image.
    assert.match(DOCKERFILE, /npm ci --omit=dev/);
  });

  test('its entrypoint serves, passes its health check, drains on SIGTERM and writes nothing', async () => {
    const config = join(dir, 'rampart.yaml');
    writeFileSync(
      config,
      `version: 1
server: { http: { host: 127.0.0.1, port: 0 }, shutdownTimeout: 20s }
admin: { host: 127.0.0.1, port: 0 }
upstreams: { app: { url: "${upstream.url}" } }
routes: [{ name: all, match: { path: /* }, upstream: app }]
`,
    );
    const command = mapped([...instruction('ENTRYPOINT'), ...instruction('CMD')], config);
    const child: ChildProcess = spawn(command[0]!, command.slice(1), {
      cwd: work,
      env: { ...process.env, HOME: work, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      const lines: Array<Record<string, unknown>> = [];
      let buffered = '';
      const logged = (message: string) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const check = () => {
            const found = lines.find((line) => line.msg === message);
            if (found !== undefined) {
              child.stdout?.off('data', check);
              resolve(found);
            }
          };
          child.stdout?.on('data', check);
          child.once('exit', () => reject(new Error(`exited before "${message}"`)));
          check();
        });
      child.stdout?.on('data', (chunk: Buffer) => {
        const parts = (buffered + chunk.toString()).split('\n');
        buffered = parts.pop() ?? '';
        for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part));
      });
      const started = await logged('rampart started');
      const url = (started.urls as { http: string }).http;
      const health = async () => {
        const check = mapped(instruction('HEALTHCHECK'), config);
        try {
          await run(check[0]!, check.slice(1), {
            env: { ...process.env, RAMPART_HEALTHCHECK_URL: `${started.admin}/readyz` },
          });
          return 0;
        } catch (error) {
          return (error as { code?: number }).code;
        }
      };
      assert.equal(await health(), 0);

      // A request in flight when the orchestrator stops the container.
      const pending = fetch(`${url}/slow`);
      while (held.length === 0) await once(upstream.server, 'request');
      child.kill('SIGTERM');
      await logged('draining in-flight requests');
      assert.equal(await health(), 1, 'not ready while draining');
      held.shift()?.end('finished');
      const response = await pending;
      assert.deepEqual([response.status, await response.text()], [200, 'finished']);
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
      assert.deepEqual(readdirSync(work), [], 'nothing written to the working directory or home');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('the deploy config validates and the Kubernetes manifests hold what the image needs', async () => {
    const env = {
      ...process.env,
      RAMPART_ADMIN_TOKEN: 'admin-token-0123456789abcdef0123456789',
      RAMPART_METRICS_TOKEN: 'metrics-token-0123456789abcdef012345678',
      REDIS_URL: 'redis://redis:6379/0',
      RAMPART_DATABASE_URL: 'postgres://rampart@postgres:5432/rampart',
    };
    const validated = await runCliInProcess(['validate', '-c', join(ROOT, 'deploy', 'rampart.yaml')], {
      env,
    });
    assert.equal(validated.code, 0, validated.stderr);

    const manifests = readdirSync(join(ROOT, 'deploy', 'k8s'))
      .filter((file) => file.endsWith('.yaml'))
      .flatMap((file) =>
        parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'k8s', file), 'utf8')).map((doc) => {
          assert.deepEqual(doc.errors, [], file);
          return doc.toJS() as { kind: string; spec?: { template?: { spec: PodSpec } } };
        }),
      );
    const kinds = manifests.map((m) => m.kind);
    for (const kind of [
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'NetworkPolicy',
      'Kustomization',
      'Secret',
    ]) {
      assert.ok(kinds.includes(kind), `a ${kind}`);
    }
    const pod = manifests.find((m) => m.kind === 'Deployment')!.spec!.template!.spec;
    const container = pod.containers[0]!;
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    // Every secret the config reads comes from a Secret reference, none is written in a manifest.
    const fromSecrets = container.env.filter((e) => e.valueFrom !== undefined);
    assert.deepEqual(fromSecrets.map((e) => e.name).sort(), [
      'RAMPART_ADMIN_TOKEN',
      'RAMPART_DATABASE_URL',
      'RAMPART_METRICS_TOKEN',
      'REDIS_URL',
    ]);
    // The drain fits in the grace period: preStop pause + server.shutdownTimeout (20s).
    assert.ok(pod.terminationGracePeriodSeconds >= 20 + container.lifecycle.preStop.sleep.seconds);
  });
});
