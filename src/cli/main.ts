// The `rampart` command: parses the command word and hands over to one module per command.
import { runStart } from './start.ts';
import { runValidate } from './validate.ts';

const USAGE = `Usage: rampart <command> [options]

Commands:
  start [-c rampart.yaml] [--demo]   start the gateway (embedded demo defaults when no config is found)
  validate -c rampart.yaml           check a config file without starting; exit 1 when it is bad
  help                               this text

Run "rampart <command> --help" for a command's options.`;

/** Runs the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return runStart(rest);
    case 'validate':
      return runValidate(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`rampart: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`rampart: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
