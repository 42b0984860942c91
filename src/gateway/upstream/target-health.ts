// The health of an upstream with several targets, from each target's own checker: healthy while any
// target is (the balancer skips the unhealthy ones), so the gateway answers 503 only when none is.
import type { HealthChecker } from './health-check.ts';

/**
 * One checker over all of `targets` (each probes its own); undefined when there are none.
 * `onTargetChange` hears every target's flips.
 */
export function aggregateHealth(
  targets: ReadonlyArray<{ readonly origin: string; readonly health: HealthChecker }>,
  onTargetChange?: (origin: string, healthy: boolean) => void,
): HealthChecker | undefined {
  if (targets.length === 0) return undefined;
  const members = targets.map((target) => target.health);
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
  for (const { origin, health: member } of targets) {
    member.onChange = (memberHealthy) => {
      onTargetChange?.(origin, memberHealthy);
      const now = anyHealthy();
      if (now === healthy) return;
      healthy = now;
      aggregate.onChange?.(now);
    };
  }
  return aggregate;
}
