// Calendar periods in an IANA time zone: the current day or month's id and when it ends, computed with
// Intl (no dependency), so quotas reset at local midnight and on the first of the month.

/** A calendar period: an id for keys (`2026-11-22`, `2026-11`) and its end in ms since the epoch. */
export interface Period {
  readonly id: string;
  readonly endsAt: number;
}

export type PeriodKind = 'daily' | 'monthly';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Throws a RangeError when `timeZone` is not a zone Intl knows. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}

interface Wall {
  year: number;
  month: number;
  day: number;
}

function wall(ms: number, timeZone: string): Wall & { offsetMs: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return { year: parts.year!, month: parts.month!, day: parts.day!, offsetMs: asUtc - (ms - (ms % 1000)) };
}

// The instant of local midnight of a wall date: the offset may differ from now's (DST), so look it up
// at the guessed instant and correct once.
function midnight(date: Wall, timeZone: string): number {
  const utcMidnight = Date.UTC(date.year, date.month - 1, date.day);
  const guess = utcMidnight - wall(utcMidnight, timeZone).offsetMs;
  return utcMidnight - wall(guess, timeZone).offsetMs;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The day or month containing `now` in `timeZone`. */
export function periodAt(kind: PeriodKind, now: number, timeZone: string): Period {
  const today = wall(now, timeZone);
  if (kind === 'daily') {
    const next = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
    return {
      id: `${today.year}-${pad(today.month)}-${pad(today.day)}`,
      endsAt: midnight(
        { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() },
        timeZone,
      ),
    };
  }
  const next = new Date(Date.UTC(today.year, today.month, 1));
  return {
    id: `${today.year}-${pad(today.month)}`,
    endsAt: midnight({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: 1 }, timeZone),
  };
}
