// Starts a whole Rampart in this process through src/index.ts (as `rampart start` does in its own),
// with its JSON log lines collected so a test can await one.
import { type Rampart, type RampartOptions, startRampart } from '../../src/index.ts';
import { createLogLines, type LogLines } from './log-lines.ts';

/** A running Rampart and its log lines. */
export interface TestRampart {
  readonly rampart: Rampart;
  readonly log: LogLines;
}

/** Starts Rampart with `options`; logs are collected instead of printed, no process-level metrics. */
export async function startTestRampart(
  options: Omit<RampartOptions, 'logDestination' | 'defaultMetrics'>,
): Promise<TestRampart> {
  const log = createLogLines();
  let buffered = '';
  const rampart = await startRampart({
    ...options,
    logDestination: {
      write(text: string) {
        const lines = (buffered + text).split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line !== '') log.push(line);
      },
    },
    defaultMetrics: false,
  });
  return { rampart, log };
}
