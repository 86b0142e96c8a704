// The command line of every npm script: parsed by node:util, with the usage line instead of a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The parsed command line, or the exit code to end with: 0 after printing the usage for --help or -h, 2 after
 * printing what was wrong and the usage for an unknown option or a missing value.
 */
export function commandLine<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> | number {
  const args = process.argv.slice(2);
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (options.includes('--help') || options.includes('-h')) {
    console.log(usage);
    return 0;
  }
  try {
    return parseArgs(config);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
}

/**
 * The value of a whole-number option, or undefined after printing what is wrong with it and the usage: a
 * clear message here instead of a failure deep in the runtime.
 */
export function wholeNumber(text: string, option: string, min: number, usage: string): number | undefined {
  const value = Number(text);
  if (text.trim() !== '' && Number.isInteger(value) && value >= min) return value;
  console.error(`--${option} takes a whole number of at least ${min}, not "${text}".\n${usage}`);
  return undefined;
}
