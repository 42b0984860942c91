// CPU time of a child process, read from /proc (Linux); undefined elsewhere.
import { readFileSync } from 'node:fs';

// USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every mainstream Linux build
// (proc(5)); Node offers no sysconf(_SC_CLK_TCK) to ask.
const TICKS_PER_SECOND = 100;

/** User + system CPU milliseconds the process has used so far, or undefined when unknown. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
