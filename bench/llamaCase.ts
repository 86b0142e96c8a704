// One engine on one model in its own process (so its peak memory is its own): greedy decoding of the same
// prompt ids, repeated after one warm-up. Prints one JSON line.
//   tsx bench/llamaCase.ts ours <package> | llama <gguf>   <threads> <short prompt> <long prompt> <new tokens> <repetitions>
// (prompts as comma-separated ids)
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { crossContext, Decoder, DecoderState } from '../src/decoder/decoder.ts';
import { openSession } from '../src/onnx/session.ts';
import { readManifest } from '../src/package/verify.ts';
import { argmax } from '../src/tokens/sampling.ts';

export interface EngineRun {
  /** From the call with the short prompt to the first new token's id. */
  firstTokenMs: number;
  /** The same for the long prompt (prompt processing). */
  promptMs: number;
  /** From the first new token after the long prompt to the last. */
  decodeMs: number;
}

export interface CaseResult {
  ids: number[];
  runs: EngineRun[];
  loadMs: number;
  peakRssBytes: number;
}

export interface Engine {
  /** Yields the greedy tokens after `prompt`, one per step, from a fresh conversation. */
  generate(prompt: number[]): AsyncGenerator<number>;
  close(): Promise<void>;
}

/** Our decoder graph of a model package, as the runtime runs it (the graph alone: no vision tower loaded). */
export async function ours(dir: string, threads: number): Promise<Engine> {
  const manifest = readManifest(dir);
  const { session } = await openSession(join(dir, manifest.graphs.decoder), { executionProvider: 'cpu', threads, log: () => {} });
  const arch = manifest.architecture;
  const decoder = new Decoder(session, arch, manifest.tokens);
  return {
    async *generate(prompt) {
      const state = new DecoderState(arch, crossContext(arch, []));
      let next = argmax(await decoder.forward(state, prompt));
      for (;;) {
        yield next;
        next = argmax(await decoder.forward(state, [next]));
      }
    },
    close: () => session.release(),
  };
}

/** llama.cpp through node-llama-cpp on a GGUF file, with room for `contextSize` positions. */
export async function llamaCpp(file: string, threads: number, contextSize: number): Promise<Engine> {
  // The prebuilt CPU binary that npm installed, as it is: never build, never download, no GPU.
  const llama = await getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: true, progressLogs: false, logLevel: LlamaLogLevel.error, maxThreads: threads });
  const model = await llama.loadModel({ modelPath: file, gpuLayers: 0 });
  // A float32 KV cache and plain attention: llama.cpp's default F16 cache rounds keys and values, which is
  // another function than ours (greedy tokens part ways after a few dozen steps).
  const context = await model.createContext({
    contextSize,
    batchSize: contextSize,
    threads: { ideal: threads, min: threads },
    sequences: 1,
    flashAttention: false,
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
  });
  const sequence = context.getSequence();
  return {
    async *generate(prompt) {
      await sequence.clearHistory();
      // Past an end-of-generation token too: both engines compute the same number of steps.
      yield* sequence.evaluate(prompt as Token[], { temperature: 0, yieldEogToken: true });
    },
    close: () => llama.dispose(),
  };
}

async function main(): Promise<void> {
  const [engine, path, threadsArg, shortArg, longArg, newArg, repsArg] = process.argv.slice(2);
  const threads = Number(threadsArg);
  const [short, long] = [shortArg!, longArg!].map((ids) => ids.split(',').map(Number)) as [number[], number[]];
  const newTokens = Number(newArg);
  const started = performance.now();
  const { generate } = engine === 'ours' ? await ours(path!, threads) : await llamaCpp(path!, threads, long.length + newTokens);
  const loadMs = performance.now() - started;
  /** Milliseconds to the first token, and from it to the last of `count` tokens. */
  const timed = async (prompt: number[], count: number) => {
    const out: number[] = [];
    const begin = performance.now();
    let first = begin;
    for await (const id of generate(prompt)) {
      if (out.push(id) === 1) first = performance.now();
      if (out.length === count) break;
    }
    return { ids: out, firstMs: first - begin, restMs: performance.now() - first };
  };
  await timed(short, 4); // warm-up: first-run allocations and thread start-up are not what is measured
  const runs: EngineRun[] = [];
  let ids: number[] = [];
  for (let r = 0; r < Number(repsArg); r++) {
    const { firstMs } = await timed(short, 1);
    const answer = await timed(long, newTokens);
    runs.push({ firstTokenMs: firstMs, promptMs: answer.firstMs, decodeMs: answer.restMs });
    if (r === 0) ids = answer.ids;
    else if (answer.ids.join() !== ids.join()) throw new Error(`${engine}: repetition ${r} generated other tokens than the first`);
  }
  const result: CaseResult = { ids, runs, loadMs, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  console.log(JSON.stringify(result));
  process.exit(0); // node-llama-cpp's native threads would otherwise keep the process a while
}

if (process.argv[1] === import.meta.filename) await main();
