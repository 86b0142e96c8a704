// Runs the bundled converter (dist/convert.cjs) in a child process, never on the extension host's thread, and
// reads its JSON-line events. Cancel stops it; after a cancel, a failure or a crash the partial package folder
// it was writing is removed, so nothing is left behind.
import { fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ConvertEvent, ConvertFailure, ConvertProgress } from '../common/conversion.ts';
import type { WeightPrecision } from '../common/precision.ts';

/** How long the converter gets to stop after SIGTERM (it stops between tensors) before it is killed. */
const STOP_GRACE_MS = 10_000;

export class ConversionFailedError extends Error {
  constructor(
    readonly failure: ConvertFailure | 'crashed',
    message: string,
  ) {
    super(message);
    this.name = 'ConversionFailedError';
  }
}

export class ConversionCancelledError extends Error {
  constructor() {
    super('The conversion was cancelled.');
    this.name = 'ConversionCancelledError';
  }
}

export interface ConversionRequest {
  /** The converter's entry: dist/convert.cjs, or src/convert/cli.ts with execArgv for tsx in tests. */
  script: string;
  execArgv?: string[];
  source: string;
  outDir: string;
  precision: WeightPrecision;
  onProgress?: (progress: ConvertProgress) => void;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export type ConversionResult = Extract<ConvertEvent, { type: 'done' }>;

export async function runConversion(request: ConversionRequest): Promise<ConversionResult> {
  const { signal, log } = request;
  if (signal?.aborted) throw new ConversionCancelledError();
  const child = fork(request.script, [request.source, request.outDir, '--weights', request.precision, '--json'], {
    execArgv: request.execArgv ?? [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let partial: string | undefined;
  let done: ConversionResult | undefined;
  let failed: ConversionFailedError | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: ConvertEvent;
    try {
      event = JSON.parse(line) as ConvertEvent;
    } catch {
      return log(`converter: ${line}`);
    }
    if (event.type === 'start') {
      partial = event.partial;
      log(
        `converter: writing ${partial} on ${event.threads} thread(s), about ${(event.estimatedBytes / 1e9).toFixed(2)} GB`,
      );
    } else if (event.type === 'progress') request.onProgress?.(event);
    else if (event.type === 'done') done = event;
    else failed = new ConversionFailedError(event.failure, event.message);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => log(`converter: ${line}`));

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const [code, exitSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    if (code === 0 && done !== undefined) return done;
    if (signal?.aborted) throw new ConversionCancelledError();
    throw (
      failed ??
      new ConversionFailedError('crashed', `The converter stopped unexpectedly (${exitSignal ?? `exit code ${code}`}).`)
    );
  } catch (error) {
    // The converter removes its partial folder itself unless it was killed: make sure.
    if (partial !== undefined) await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(killTimer);
    signal?.removeEventListener('abort', stop);
  }
}
