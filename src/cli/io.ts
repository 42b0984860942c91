// What a CLI command reads from and writes to its surroundings, passed in so a command runs the same
// in a process (main.ts hands it the process's streams) and in-process under test (captured output).
import { resolve } from 'node:path';

/** An output stream: `process.stdout`, or anything that collects the text written to it. */
export interface CliOutput {
  write(text: string): unknown;
  /** True on a terminal: progress bars and colours are shown only then. */
  readonly isTTY?: boolean;
}

/** A command's standard streams, environment and working directory. */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly stdin: AsyncIterable<string | Uint8Array>;
  /** The environment `env:` references read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths in arguments are resolved against. */
  readonly cwd: string;
}

let closedPipeQuiet = false;

/**
 * A reader that stopped reading (`rampart schema | head`) ends the command quietly, as SIGPIPE ends
 * a C program, instead of an unhandled EPIPE error and its stack trace.
 */
function endQuietlyOnClosedPipe(): void {
  if (closedPipeQuiet) return;
  closedPipeQuiet = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}

/** The running process's streams, environment and working directory. */
export function processIo(): CliIo {
  endQuietlyOnClosedPipe();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Resolves a path given on the command line against the command's working directory. */
export function pathIn(io: CliIo, file: string): string {
  return resolve(io.cwd, file);
}

/** Reads standard input to its end, or until more than `limit` bytes came (the caller checks). */
export async function readStdin(io: CliIo, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = Buffer.from(chunk);
    chunks.push(buffer);
    size += buffer.length;
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}
