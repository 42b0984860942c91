import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTimeZone, periodAt } from './calendar.ts';

describe('quota calendar', () => {
  test('ends a UTC day at the next midnight and a month on the first', () => {
    const now = Date.UTC(2026, 10, 22, 21, 30);
    assert.deepEqual(periodAt('daily', now, 'UTC'), { id: '2026-11-22', endsAt: Date.UTC(2026, 10, 23) });
    assert.deepEqual(periodAt('monthly', now, 'UTC'), { id: '2026-11', endsAt: Date.UTC(2026, 11, 1) });
    assert.equal(periodAt('monthly', Date.UTC(2026, 11, 31, 12), 'UTC').endsAt, Date.UTC(2027, 0, 1));
  });

  test('uses the local date and midnight of the configured zone', () => {
    // 21:30 UTC on Nov 22 is already Nov 23 in Tokyo (UTC+9), whose day ends at 15:00 UTC.
    const now = Date.UTC(2026, 10, 22, 21, 30);
    assert.deepEqual(periodAt('daily', now, 'Asia/Tokyo'), {
      id: '2026-11-23',
      endsAt: Date.UTC(2026, 10, 23, 15),
    });
  });

  test('follows daylight saving changes: a New York day ending after the switch is 25 hours long', () => {
    const now = Date.UTC(2026, 10, 1, 12); // Nov 1 2026, 07:00 EST after the 06:00 UTC switch
    assert.deepEqual(periodAt('daily', now, 'America/New_York'), {
      id: '2026-11-01',
      endsAt: Date.UTC(2026, 10, 2, 5),
    });
    assert.equal(
      periodAt('daily', Date.UTC(2026, 9, 31, 12), 'America/New_York').endsAt,
      Date.UTC(2026, 10, 1, 4),
    );
  });

  test('rejects an unknown time zone', () => {
    assert.throws(() => checkTimeZone('Mars/Olympus'), RangeError);
  });
});
