// One engine on one model in its own process (so its peak memory is its own): greedy decoding of the same
// prompt ids, repeated after one warm-up. Prints one JSON line.
//   tsx bench/llama-case.ts ours <package> | llama <gguf>   <threads> <short prompt> <long prompt> <new tokens> <repetitions>
// (prompts as comma-separated ids)
import { join } from 'node:path';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { crossContext, Decoder, DecoderState } from '../src/decoder/decoder.ts';
import { openSession } from '../src/onnx/session.ts';
import { readManifest } from '../src/package/verify.ts';
import { generateTokens } from '../src/generation/loop.ts';
import { argmax } from '../src/generation/sampling.ts';
import { maxNewTokens } from '../src/generation/stopping.ts';

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
  /** The first `count` greedy tokens after `prompt`, from a fresh conversation; `onToken` sees each as it comes. */
  generate(prompt: number[], count: number, onToken?: () => void): Promise<number[]>;
  close(): Promise<void>;
}

/** Our decoder graph of a model package, as the runtime runs it (the graph alone: no vision tower loaded). */
export async function ours(dir: string, threads: number): Promise<Engine> {
  const manifest = readManifest(dir);
  const { session } = await openSession(join(dir, manifest.graphs.decoder), {
    executionProvider: 'cpu',
    threads,
    log: () => {},
  });
  const arch = manifest.architecture;
  const decoder = new Decoder(session, arch, manifest.tokens);
  return {
    async generate(prompt, count, onToken) {
      const state = new DecoderState(arch, crossContext(arch, []));
      // No logits processor: llama.cpp bans no token, and the two must pick from the same logits.
      return (
        await generateTokens(decoder, state, prompt, {
          processors: [],
          pick: argmax,
          stopping: [maxNewTokens(count)],
          onToken,
        })
      ).ids;
    },
    close: () => session.release(),
  };
}

/** llama.cpp through node-llama-cpp on a GGUF file, with room for `contextSize` positions. */
export async function llamaCpp(file: string, threads: number, contextSize: number): Promise<Engine> {
  // The prebuilt CPU binary that npm installed, as it is: never build, never download, no GPU.
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.error,
    maxThreads: threads,
  });
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
    async generate(prompt, count, onToken) {
      await sequence.clearHistory();
      const ids: number[] = [];
      if (count === 0) return ids;
      // Past an end-of-generation token too: both engines compute the same number of steps.
      for await (const id of sequence.evaluate(prompt as Token[], { temperature: 0, yieldEogToken: true })) {
        onToken?.();
        if (ids.push(id) === count) break;
      }
      return ids;
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
  const { generate } =
    engine === 'ours' ? await ours(path!, threads) : await llamaCpp(path!, threads, long.length + newTokens);
  const loadMs = performance.now() - started;
  /** Milliseconds to the first token, and from it to the last of `count` tokens. */
  const timed = async (prompt: number[], count: number) => {
    const begin = performance.now();
    let first = begin;
    let tokens = 0;
    const ids = await generate(prompt, count, () => {
      if (++tokens === 1) first = performance.now();
    });
    return { ids, firstMs: first - begin, restMs: performance.now() - first };
  };
  await timed(short, 4); // warm-up: first-run allocations and thread start-up are not what is measured
  const runs: EngineRun[] = [];
  let ids: number[] = [];
  for (let r = 0; r < Number(repsArg); r++) {
    const { firstMs } = await timed(short, 1);
    const answer = await timed(long, newTokens);
    runs.push({ firstTokenMs: firstMs, promptMs: answer.firstMs, decodeMs: answer.restMs });
    if (r === 0) ids = answer.ids;
    else if (answer.ids.join() !== ids.join())
      throw new Error(`${engine}: repetition ${r} generated other tokens than the first`);
  }
  const result: CaseResult = { ids, runs, loadMs, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  console.log(JSON.stringify(result));
  process.exit(0); // node-llama-cpp's native threads would otherwise keep the process a while
}

if (process.argv[1] === import.meta.filename) await main();
