// In-process cost of the detection engine on the bench bodies: µs of CPU per body, per scenario.
// `node bench/detect-cost.ts [--paranoia N] [--seconds S]`
import { parseArgs } from 'node:util';
import {
  createDetector,
  inputsFromBody,
  inputsFromPath,
  inputsFromPathSegments,
} from '../src/detect/index.ts';
import { SCENARIOS } from './scenarios.ts';

const { values } = parseArgs({
  options: {
    paranoia: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '2' },
    only: { type: 'string', default: 'post-64k-mixed,post-64k,get-small' },
  },
});
const paranoia = Number(values.paranoia);
const seconds = Number(values.seconds);
const detector = createDetector({ paranoia });

for (const name of values.only.split(',')) {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  const bodies = scenario.bodies ?? (scenario.body === undefined ? [''] : [scenario.body]);
  const one = bodies.map((body) => () => [
    ...inputsFromPath(scenario.path),
    ...inputsFromBody(body, 'application/json', { screenJson: true }),
    ...inputsFromPathSegments(scenario.path, new Set()),
  ]);
  // Small requests in batches, so reading the clock does not dominate.
  const requests = Array.from({ length: Math.ceil(256 / one.length) }, () => one).flat();
  let blocked = 0;
  // Warm-up, then measured rounds over every body in turn.
  for (let i = 0; i < 3 * requests.length; i++) detector.inspect(requests[i % requests.length]!());
  const start = process.cpuUsage();
  let n = 0;
  while (true) {
    for (const request of requests) if (detector.inspect(request()).blocked) blocked++;
    n += requests.length;
    const used = process.cpuUsage(start);
    if (used.user + used.system > seconds * 1e6) {
      const us = (used.user + used.system) / n;
      console.log(
        `${name.padEnd(16)} ${us.toFixed(1).padStart(8)} µs CPU per request  (${n} requests, ${blocked} blocked)`,
      );
      break;
    }
  }
}
