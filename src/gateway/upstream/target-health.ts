// The health of an upstream with several targets, from each target's own checker: healthy while any
// target is (the balancer skips the unhealthy ones), so the gateway answers 503 only when none is.
import type { HealthChecker } from './health-check.ts';

/** One checker over all of `members` (each probes its own target); undefined when there are none. */
export function aggregateHealth(members: readonly HealthChecker[]): HealthChecker | undefined {
  if (members.length === 0) return undefined;
  const anyHealthy = () => members.some((member) => member.healthy);
  let healthy = true;
  const aggregate: HealthChecker = {
    get healthy() {
      return anyHealthy();
    },
    get retryAfterMs() {
      return anyHealthy() ? 0 : Math.min(...members.map((member) => member.retryAfterMs));
    },
    record(passed) {
      for (const member of members) member.record(passed);
    },
    start() {
      for (const member of members) member.start();
    },
    async stop() {
      await Promise.allSettled(members.map((member) => member.stop()));
    },
  };
  for (const member of members) {
    member.onChange = () => {
      const now = anyHealthy();
      if (now === healthy) return;
      healthy = now;
      aggregate.onChange?.(now);
    };
  }
  return aggregate;
}
