// One package on one provider: load it, run the image and the prompts through it, time every stage (median of
// the passes after a first one that compiles the GPU's shaders), and keep the outputs the agreement compares.
import { crossContext, DecoderState } from '../../../src/decoder/decoder.ts';
import { greedy as greedyRun } from '../../../src/generation/loop.ts';
import type { ImageMemory } from '../../../src/memory/memory.ts';
import type { ProviderName } from '../../../src/onnx/model-session.ts';
import { failureReason } from '../../../src/onnx/session.ts';
import type { ImageViews } from '../../../src/runtime/image.ts';
import { LoadedModel } from '../../../src/runtime/model.ts';
import { allLogits, greedy } from '../../../harness/model-harness.ts';
import { nvidiaMemoryMiB } from './probe.ts';
import type { ProviderRun, StageTimes } from './results.ts';

/** What a provider computed, for the agreement. */
export interface Outputs {
  features: Float32Array;
  memory: ImageMemory;
  /** Per prompt, short then full: the logits at every position and the greedy tokens after it. */
  prompts: { logits: Float32Array; tokens: number[] }[];
}

export interface ProviderInput {
  views: ImageViews;
  /** The full prompt's ids, and the short one's. */
  ids: number[];
  shortIds: number[];
}

export interface TimingOptions {
  tokens: number;
  repeats: number;
  threads: number;
  bandwidthGBs?: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runProvider(
  dir: string,
  provider: ProviderName,
  input: ProviderInput,
  options: TimingOptions,
): Promise<{ run: ProviderRun; outputs?: Outputs }> {
  const gpuBefore = nvidiaMemoryMiB();
  let model: LoadedModel;
  const loadStarted = performance.now();
  try {
    model = await LoadedModel.load(dir, {
      executionProvider: provider,
      threads: options.threads,
      log: (line) => console.error(`[${provider}] ${line}`),
    });
  } catch (error) {
    return { run: { provider, error: error instanceof Error ? error.message : String(error) } };
  }
  const loadMs = performance.now() - loadStarted;
  try {
    const { views, ids } = input;
    const pass = async () => {
      const image = await model.imageMemory(views.pixels, views.grid);
      const state = new DecoderState(model.arch, crossContext(model.arch, [image.memory]));
      const run = await greedyRun(model.decoder, state, ids, model.manifest.tokens.image, options.tokens);
      return { image, prefillMs: run.prefillMs, decodeMsPerToken: 1000 / run.tokensPerSecond, tokens: run.ids };
    };
    const firstStarted = performance.now();
    await pass();
    const firstPassMs = performance.now() - firstStarted;
    const passes: Awaited<ReturnType<typeof pass>>[] = [];
    for (let r = 0; r < options.repeats; r++) passes.push(await pass());
    const last = passes.at(-1)!;
    const pick = (f: (p: Awaited<ReturnType<typeof pass>>) => number) => median(passes.map(f));
    const visionMs = pick((p) => p.image.visionMs);
    const decodeMsPerToken = pick((p) => p.decodeMsPerToken);
    const decodeAndTilingMs = views.times.decodeImageMs + views.times.tilingMs;
    const times: StageTimes = {
      visionMs,
      visionMsPerView: visionMs / views.grid.views,
      memoryMs: pick((p) => p.image.memoryMs),
      prefillMs: pick((p) => p.prefillMs),
      decodeMsPerToken,
      tokensPerSecond: 1000 / decodeMsPerToken,
      timeToFirstTokenMs: decodeAndTilingMs + pick((p) => p.image.visionMs + p.image.memoryMs + p.prefillMs),
    };
    const memory = last.image.memory;
    const outputs: Outputs = {
      features: await model.encodeViews(views.pixels, views.grid.views),
      memory,
      prompts: [
        {
          logits: await allLogits(model, [memory], input.shortIds),
          tokens: await greedy(model, [memory], input.shortIds, options.tokens),
        },
        { logits: await allLogits(model, [memory], ids), tokens: last.tokens },
      ],
    };
    const { language: lm } = model.arch;
    const kvBytes = 2 * lm.layers * lm.kvHeads * (ids.length + options.tokens) * lm.headDim * 4;
    const embeddingBytes = lm.vocabSize * lm.hiddenSize * (model.manifest.weights.precision === 'fp32' ? 4 : 2);
    const weightBytes = (model.manifest.files['decoder.weights']?.bytes ?? 0) - embeddingBytes;
    const gpuAfter = nvidiaMemoryMiB();
    const run: ProviderRun = {
      provider,
      loadMs,
      graphs: model.providers,
      firstPassMs,
      median: times,
      tokens: last.tokens,
      feedBytesPerStep: last.image.memory.bytes + kvBytes,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    };
    if (options.bandwidthGBs && provider !== 'cpu')
      run.rooflineMsPerToken = ((weightBytes + last.image.memory.bytes + kvBytes) / (options.bandwidthGBs * 1e9)) * 1e3;
    if (gpuBefore !== undefined && gpuAfter !== undefined) run.gpuMemoryMiB = gpuAfter - gpuBefore;
    return { run, outputs };
  } catch (error) {
    return { run: { provider, loadMs, graphs: model.providers, error: failureReason(error) } };
  } finally {
    await model.release();
  }
}
