// npm run convert -- <checkpoint> <out-dir> [--weights fp32|fp16|int8|int4] [--activations int8|fp32] [--name NAME] [--card URL|PATH] [--force] [--threads N] [--json]
// With --json, stdout carries one JSON event a line (src/common/conversion.ts) and nothing else: the extension
// runs the bundled converter this way. SIGTERM or Ctrl+C stops it after the current tensor, leaving nothing behind.
import { CheckpointError } from '../checkpoint/index.ts';
import { commandLine, wholeNumber } from '../cli/command-line.ts';
import type { ConvertEvent, ConvertFailure } from '../common/conversion.ts';
import type { ActivationPrecision, WeightPrecision } from '../common/precision.ts';
import { convert } from './convert.ts';
import { ConvertError } from './errors.ts';
import { ProgressOutput } from './progress-output.ts';

const PRECISIONS: readonly WeightPrecision[] = ['fp32', 'fp16', 'int8', 'int4'];
const ACTIVATIONS: readonly ActivationPrecision[] = ['int8', 'fp32'];
const USAGE =
  'usage: npm run convert -- <checkpoint file or folder> <out-dir> [--weights fp32|fp16|int8|int4] [--activations int8|fp32] [--name NAME] [--card URL|PATH] [--force] [--threads N] [--json]';

process.title = 'infimm-convert';

async function main(): Promise<number> {
  const parsed = commandLine(
    {
      allowPositionals: true,
      options: {
        weights: { type: 'string', default: 'fp32' },
        activations: { type: 'string', default: 'int8' },
        name: { type: 'string' },
        card: { type: 'string' },
        force: { type: 'boolean', default: false },
        threads: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [source, outDir] = positionals;
  const precision = values.weights as WeightPrecision;
  const activations = values.activations as ActivationPrecision;
  if (
    !source ||
    !outDir ||
    positionals.length > 2 ||
    !PRECISIONS.includes(precision) ||
    !ACTIVATIONS.includes(activations)
  ) {
    console.error(USAGE);
    return 2;
  }
  const threads = values.threads === undefined ? undefined : wholeNumber(values.threads, 'threads', 1, USAGE);
  if (values.threads !== undefined && threads === undefined) return 2;
  const output = new ProgressOutput(values.json ? 'json' : process.stdout.isTTY ? 'tty' : 'lines', (text) =>
    process.stdout.write(text),
  );
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop).once('SIGTERM', stop);
  // Started by the extension (with an IPC channel, which must not keep it alive): stop when the extension host goes away.
  if (process.connected) {
    process.once('disconnect', stop);
    process.channel?.unref();
  }
  const started = Date.now();
  try {
    const manifest = await convert(source, outDir, {
      precision,
      activations,
      force: values.force,
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values.card === undefined ? {} : { card: values.card }),
      ...(threads === undefined ? {} : { threads }),
      log: (line) => output.line(line),
      onEvent: (event) => output.event(event),
      signal: abort.signal,
    });
    const bytes = Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0);
    const seconds = (Date.now() - started) / 1000;
    output.event({ type: 'done', outDir, bytes, seconds });
    output.line(`wrote ${outDir}: ${precision}, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`);
    return 0;
  } catch (error) {
    output.endLine();
    if (abort.signal.aborted) {
      console.error('conversion cancelled; nothing was written');
      return 130;
    }
    if (error instanceof ConvertError || error instanceof CheckpointError) {
      const failure: ConvertFailure = error instanceof ConvertError ? error.failure : 'checkpoint';
      const where = [error.file, error.tensor && `tensor ${error.tensor}`].filter(Boolean).join(', ');
      const message = error instanceof CheckpointError ? error.message : `${where ? `${where}: ` : ''}${error.message}`;
      output.event({ type: 'error', failure, message } satisfies ConvertEvent);
      console.error(`conversion failed${where ? ` (${where})` : ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

// No top-level await: the extension's copy is bundled as CommonJS.
void main().then((code) => (process.exitCode = code));
