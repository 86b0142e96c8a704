// One benchmark case in its own process (so its peak memory is its own): decode, prefill, vision and the
// time to first token of a 1344×1344 screenshot, on one model package. Prints one JSON line.
//   tsx bench/runtime-case.ts <package> <threads> <pixels-out>
import { writeFileSync } from 'node:fs';
import type { AnswerStats, TileGrid } from '../src/common/protocol.ts';
import { crossContext, DecoderState } from '../src/decoder/decoder.ts';
import { Engine } from '../src/host/engine.ts';
import type { ImageMemory } from '../src/memory/memory.ts';
import type { Manifest } from '../src/package/manifest.ts';
import { LoadedModel } from '../src/runtime/model.ts';
import { greedy } from '../src/generation/loop.ts';
import { grid, pixels } from '../harness/model-harness.ts';
import { median } from './stats.ts';
import { screenshotPng } from './tiling.ts';

export interface CaseResult {
  ids: number[];
  prefillMs: number;
  stepMs: number;
  stepMsThumbnailOnly: number;
  stepMs10Views: number;
  visionMsPerView: number;
  visionGflopPerView: number;
  screenshot: {
    grid: string;
    decodeImageMs: number;
    tilingMs: number;
    visionMs: number;
    memoryMs: number;
    prefillMs: number;
    timeToFirstTokenMs: number;
  };
  decoderWeightBytes: number;
  weightBytes: number;
  peakRssBytes: number;
}

export const PROMPT_LENGTH = 32;
export const NEW_TOKENS = 32;

/** BOS, then ids spread over the vocabulary; the image token sits at position 1 when there is an image. */
export function benchPrompt(vocab: number, image: number): number[] {
  return [1, image, ...Array.from({ length: PROMPT_LENGTH - 2 }, (_, i) => 3 + ((i * 7919) % (vocab - 10)))];
}

/** Per generated token every decoder weight is read once, except the embedding table (one row). */
export function bytesReadPerToken(manifest: Manifest): number {
  const { vocabSize, hiddenSize } = manifest.architecture.language;
  const embedBytes = vocabSize * hiddenSize * (manifest.weights.precision === 'fp32' ? 4 : 2);
  return manifest.files['decoder.weights']!.bytes - embedBytes;
}

/** The bytes of every weight file of a package. */
function weightBytes(manifest: Manifest): number {
  return Object.entries(manifest.files)
    .filter(([n]) => n.endsWith('.weights'))
    .reduce((n, [, f]) => n + f.bytes, 0);
}

async function decode(model: LoadedModel, memory: ImageMemory[], prompt: number[], steps: number) {
  const state = new DecoderState(model.arch, crossContext(model.arch, memory));
  // A step: the decoder run on the last token and the pick of the next, between two tokens.
  const times: number[] = [];
  let last = 0;
  const { ids, prefillMs } = await greedy(model.decoder, state, prompt, model.manifest.tokens.image, steps, () => {
    const now = performance.now();
    if (last > 0) times.push(now - last);
    last = now;
  });
  return { ids, prefillMs, stepMs: median(times) };
}

/** Multiply-adds ×2 of one view through the ViT. */
function visionFlops(model: LoadedModel): number {
  const { width: D, tokensPerView: L, layers, mlpHidden: M, patchSize: p } = model.arch.vision;
  const patch = 2 * (L - 1) * 3 * p * p * D;
  const perLayer = 2 * L * D * 3 * D + 2 * 2 * L * L * D + 2 * L * D * D + 2 * 2 * L * D * M;
  return patch + layers * perLayer;
}

async function main(): Promise<void> {
  const [dir, threadsArg, pixelsOut] = process.argv.slice(2);
  const threads = Number(threadsArg);
  const settings = { executionProvider: 'cpu' as const, threads, log: () => {} };
  const model = await LoadedModel.load(dir!, settings);
  const S = model.arch.vision.imageSize;
  const prompt = benchPrompt(model.arch.language.vocabSize, model.manifest.tokens.image);

  const twoViews = pixels(2, S, 1);
  writeFileSync(pixelsOut!, new Uint8Array(twoViews.buffer));
  const memoryOf = async (g: TileGrid, seed: number) => (await model.imageMemory(pixels(g.views, S, seed), g)).memory;
  const oneByOne = await memoryOf(grid(1, 1, S), 1);
  const thumbnailOnly = await memoryOf({ rows: 0, cols: 0, tileSize: S, views: 1 }, 2);
  const tenViews = await memoryOf(grid(3, 3, S), 3);

  // Interleaved rounds, medians: the machine is shared.
  const rounds: Array<Awaited<ReturnType<typeof decode>>> = [];
  const thumb: number[] = [];
  const ten: number[] = [];
  for (let r = 0; r < 3; r++) {
    rounds.push(await decode(model, [oneByOne], prompt, NEW_TOKENS));
    thumb.push((await decode(model, [thumbnailOnly], prompt, NEW_TOKENS / 2)).stepMs);
    ten.push((await decode(model, [tenViews], prompt, NEW_TOKENS / 2)).stepMs);
  }

  const visionTimes: number[] = [];
  const views = pixels(2, S, 4);
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    await model.encodeViews(views, 2);
    visionTimes.push((performance.now() - started) / 2);
  }
  await model.release();

  const engine = new Engine(() => {});
  const bytes = await screenshotPng(1344);
  const shots: AnswerStats[] = [];
  for (let r = 0; r < 3; r++) {
    // A different tile budget (all above the 36 tiles needed) keys a new image-memory cache entry: a cold image.
    // OCR context off: these are the model's stages (the OCR stage has its own section).
    await engine.configure({
      modelDir: dir!,
      executionProvider: 'cpu',
      maxTiles: 64 - r,
      maxPixels: 1e8,
      threads,
      ocrContext: 'off',
    });
    const { stats } = await engine.ask(
      {
        id: 'b',
        kind: 'ask',
        conversationId: `s${r}`,
        image: { name: 'screenshot.png', bytes },
        question: 'What does this screen show?',
        options: { maxNewTokens: 1 },
      },
      () => {},
      () => false,
    );
    shots.push(stats);
  }
  const pick = (f: (s: AnswerStats) => number | undefined) => median(shots.map((s) => f(s) ?? 0));
  const { manifest } = model;
  const result: CaseResult = {
    ids: rounds[0]!.ids,
    prefillMs: median(rounds.map((r) => r.prefillMs)),
    stepMs: median(rounds.map((r) => r.stepMs)),
    stepMsThumbnailOnly: median(thumb),
    stepMs10Views: median(ten),
    visionMsPerView: median(visionTimes),
    visionGflopPerView: visionFlops(model) / 1e9,
    screenshot: {
      grid: `${shots[0]!.grid!.rows}×${shots[0]!.grid!.cols}`,
      decodeImageMs: pick((s) => s.decodeImageMs),
      tilingMs: pick((s) => s.tilingMs),
      visionMs: pick((s) => s.visionMs),
      memoryMs: pick((s) => s.memoryMs),
      prefillMs: pick((s) => s.prefillMs),
      timeToFirstTokenMs: pick((s) => s.timeToFirstTokenMs),
    },
    decoderWeightBytes: bytesReadPerToken(manifest),
    weightBytes: weightBytes(manifest),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(result));
}

if (process.argv[1] === import.meta.filename) await main();
