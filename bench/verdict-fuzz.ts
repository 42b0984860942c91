// Verdicts before and after a change, on generated bodies: the detection engine of this checkout and
// of another (an earlier commit) inspect the same JSON bodies, and every difference in what they
// find is printed. A performance change must leave this at zero; a detection change shows here what
// it changed beyond the eval's corpus.
//   git worktree add /tmp/rampart-before HEAD~1 && ln -s "$PWD/node_modules" /tmp/rampart-before/node_modules
//   npx node bench/verdict-fuzz.ts --baseline /tmp/rampart-before [--bodies 100000] [--paranoia 1] [--seed 1]
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readLines } from './detect-corpus.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const baseline = option('--baseline') ?? process.env.RAMPART_BENCH_BASELINE;
if (baseline === undefined) {
  console.error('usage: node bench/verdict-fuzz.ts --baseline DIR [--bodies N] [--paranoia N] [--seed N]');
  process.exit(2);
}
const bodies = Number(option('--bodies') ?? 100_000);
const paranoia = Number(option('--paranoia') ?? 1);
let seed = Number(option('--seed') ?? 1);
const corpus = resolve(option('--corpus') ?? join(import.meta.dirname, '../../shared/corpus'));

interface Finding {
  readonly rule: string;
  readonly location: string;
}
interface Engine {
  createDetector(options: { paranoia: number }): {
    inspect(inputs: unknown): { blocked: boolean; findings: readonly Finding[] };
  };
  inputsFromBody(
    body: Buffer,
    contentType: string | undefined,
    options?: { screenJson?: boolean; parsedBody?: (text: string) => unknown },
  ): unknown;
}

const load = (dir: string) => import(pathToFileURL(join(dir, 'src/detect/index.ts')).href) as Promise<Engine>;
const [after, before] = await Promise.all([
  load(resolve(import.meta.dirname, '..')),
  load(resolve(baseline)),
]);

// Deterministic: the same seed gives the same bodies on every machine.
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const lines = (folder: string) =>
  readdirSync(join(corpus, folder))
    .filter((file) => file.endsWith('.txt'))
    .flatMap((file) => readLines(join(corpus, folder, file)));
const attacks = lines('attacks');
const benign = lines('benign');
const KEYS = ['id', 'name', 'note', 'q', 'items', 'address', 'url', 'comment', 'filter', 'email', '_method'];
const ASCII = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZabcxyz[\\]^_`{|}~';

function noise(): string {
  let text = '';
  const length = Math.floor(random() * 40);
  for (let i = 0; i < length; i++) text += pick([...ASCII]);
  return text;
}

function leaf(): unknown {
  const r = random();
  if (r < 0.15) return Math.floor(random() * 1e6) / (r < 0.05 ? 100 : 1);
  if (r < 0.2) return r < 0.175;
  if (r < 0.22) return null;
  if (r < 0.55) return pick(benign);
  if (r < 0.75) return pick(attacks);
  if (r < 0.85) return `${pick(benign)} ${pick(attacks)}`;
  return noise();
}

function value(depth: number): unknown {
  const r = random();
  if (depth >= 4 || r < 0.5) return leaf();
  if (r < 0.7) return Array.from({ length: 1 + Math.floor(random() * 4) }, () => value(depth + 1));
  return Object.fromEntries(
    Array.from({ length: 1 + Math.floor(random() * 5) }, () => [pick(KEYS), value(depth + 1)]),
  );
}

const parsedBody = (text: string) => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/**
 * The verdict on the body as leaves (one input per member name and string) and as the detect
 * policy hands it over: one screened JSON input carrying its parsed value. One detector per checkout
 * reads every body in turn, so what it remembers across requests is exercised too.
 */
const verdict = (engine: Engine, detector: ReturnType<Engine['createDetector']>, body: Buffer) => {
  const shapes = [
    engine.inputsFromBody(body, 'application/json'),
    engine.inputsFromBody(body, 'application/json', { screenJson: true, parsedBody }),
  ];
  return shapes
    .map((inputs) => {
      const result = detector.inspect(inputs);
      const rules = result.findings.map((f) => `${f.rule}@${f.location}`).sort();
      return `${result.blocked ? 'block' : 'pass'} ${rules.join(' ')}`;
    })
    .join(' | ');
};

const detectorAfter = after.createDetector({ paranoia });
const detectorBefore = before.createDetector({ paranoia });
let differing = 0;
let blocked = 0;
const started = Date.now();
for (let i = 0; i < bodies; i++) {
  const body = Buffer.from(JSON.stringify(value(0)));
  const now = verdict(after, detectorAfter, body);
  const then = verdict(before, detectorBefore, body);
  if (now.startsWith('block')) blocked++;
  if (now === then) continue;
  differing++;
  if (differing <= 10) {
    console.log(`body ${i}: ${body.toString().slice(0, 300)}`);
    console.log(`  before: ${then.slice(0, 300)}`);
    console.log(`  after:  ${now.slice(0, 300)}`);
  }
}
console.log(
  `${bodies} bodies (seed ${option('--seed') ?? 1}, P${paranoia}), ${blocked} blocked after; ` +
    `${differing} verdicts differ from ${baseline} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
process.exitCode = differing === 0 ? 0 : 1;
