// quantize() spread over worker threads, byte for byte what one thread writes. MatMulNBits keeps every input
// row-major in N (packed [N, blocks, bytes], scales [N·blocks], zero points [N, bytes]), so a weight's rows
// quantise independently: each thread takes a band of rows, the converter's own thread the last band, and the
// bands' arrays are joined in order.
//
// The call stays synchronous, as graph builders expect: the converter's thread blocks in Atomics.wait until
// the workers' replies arrive, and takes them with receiveMessageOnPort.
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { quantize, type QuantizedWeight } from './quantize.ts';

export type Quantize = typeof quantize;

/** Below this many weights a band is not worth a message: one thread does it. */
const MIN_PARALLEL_WEIGHTS = 1 << 18;

type Reply = { result: QuantizedWeight } | { error: string };
type TypedArray = Float32Array | Uint8Array | Uint16Array;

/** src/onnx/quantize-worker.ts under tsx, dist/quantize-worker.cjs beside the bundled converter. */
const WORKER_SCRIPT = new URL(`./quantize-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** The threads a conversion uses by default: every core the process may run on. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Under tsx (running the sources) a worker registers tsx itself: Node 20 workers do not inherit its hooks. */
function startWorker(workerData: unknown, transferList: MessagePort[]): Worker {
  if (!WORKER_SCRIPT.pathname.endsWith('.ts')) return new Worker(WORKER_SCRIPT, { workerData, transferList });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_SCRIPT.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}

export class QuantizeWorkers {
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: Array<{ worker: Worker; port: MessagePort }> = [];
  /** Weights that were split across threads, for the conversion's log. */
  splitWeights = 0;

  private constructor(readonly threads: number) {}

  /** `threads` in all, the caller's included: threads − 1 workers, each loaded and ready when this resolves. */
  static async start(threads: number): Promise<QuantizeWorkers> {
    const pool = new QuantizeWorkers(threads);
    try {
      for (let i = 1; i < threads; i++) {
        const { port1, port2 } = new MessageChannel();
        const worker = startWorker({ port: port2, signal: pool.signal }, [port2]);
        pool.workers.push({ worker, port: port1 });
        await new Promise((resolve, reject) => {
          worker.once('message', resolve).once('error', reject);
        });
        // A worker that fails later has its reply (an error) or takes the process with it; nothing to report here.
        worker.on('error', () => undefined);
      }
    } catch (error) {
      await pool.close();
      throw new Error(
        `a quantisation worker thread did not start: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return pool;
  }

  readonly quantize: Quantize = (w, n, k, ...rest) => {
    const bands = this.workers.length + 1;
    if (bands === 1 || n * k < MIN_PARALLEL_WEIGHTS || n < bands) return quantize(w, n, k, ...rest);
    const rowsPerBand = Math.ceil(n / bands);
    const rowsOf = (band: number) => [band * rowsPerBand, Math.min(n, (band + 1) * rowsPerBand)] as const;
    this.workers.forEach(({ port }, band) => {
      const [start, end] = rowsOf(band);
      // A weight in shared memory is read in place by the worker; any other is copied and moved to it.
      const shared = w.buffer instanceof SharedArrayBuffer;
      const rows = shared ? w.subarray(start * k, end * k) : w.slice(start * k, end * k);
      port.postMessage([rows, end - start, k, ...rest], shared ? [] : [rows.buffer as ArrayBuffer]);
    });
    const [start, end] = rowsOf(this.workers.length);
    const own = quantize(w.subarray(start * k, end * k), end - start, k, ...rest);
    // Every reply is taken, even after a failure, so that none is left for the next weight.
    const replies = this.workers.map(({ port }) => this.receive(port));
    const failed = replies.find((r) => 'error' in r);
    if (failed !== undefined && 'error' in failed)
      throw new Error(`quantisation failed in a worker thread: ${failed.error}`);
    this.splitWeights += 1;
    return joinRows([...replies.map((r) => (r as { result: QuantizedWeight }).result), own], n);
  };

  private receive(port: MessagePort): Reply {
    for (;;) {
      // Read the counter before looking: a reply posted in between changes it, and the wait returns at once.
      const seen = Atomics.load(this.signal, 0);
      const reply = receiveMessageOnPort(port)?.message as Reply | undefined;
      if (reply !== undefined) return reply;
      Atomics.wait(this.signal, 0, seen);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}

/** The bands' arrays end to end; the other fields are the same in every band, except the row count. */
function joinRows(parts: QuantizedWeight[], n: number): QuantizedWeight {
  const joined: Record<string, unknown> = { ...parts[0]!, n };
  for (const [key, value] of Object.entries(parts[0]!)) {
    if (!ArrayBuffer.isView(value)) continue;
    const arrays = parts.map((p) => (p as unknown as Record<string, TypedArray>)[key]!);
    const out = new (value.constructor as new (length: number) => TypedArray)(
      arrays.reduce((sum, a) => sum + a.length, 0),
    );
    let offset = 0;
    for (const a of arrays) {
      out.set(a, offset);
      offset += a.length;
    }
    joined[key] = out;
  }
  return joined as unknown as QuantizedWeight;
}
