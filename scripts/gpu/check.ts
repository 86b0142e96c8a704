// Runs the runtime's model on several execution providers over the same packages and image, checks that each
// provider's answers agree with the CPU's, and times every stage. test/gpu runs it on WebGPU over a software
// Vulkan driver; scripts/gpu-check.sh runs it, bundled, on a lent GPU machine.
//
//   check.ts --package NAME=DIR… --image FILE [--ep webgpu,cpu] [--tokens 32] [--repeats 3] [--max-tiles 16]
//            [--threads 0] [--bandwidth-gbs N] [--out results.json]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { crossContext, DecoderState } from '../../src/decoder/decoder.ts';
import { decodeImage } from '../../src/image/decode.ts';
import type { ImageMemory } from '../../src/memory/memory.ts';
import { failureReason, type ProviderName } from '../../src/onnx/session.ts';
import type { WeightPrecision } from '../../src/common/precision.ts';
import { LoadedModel } from '../../src/runtime/model.ts';
import { planGrid } from '../../src/tiles/plan.ts';
import { makeViews } from '../../src/tiles/views.ts';
import type { Manifest } from '../../src/package/manifest.ts';
import { readManifest } from '../../src/package/verify.ts';
import { promptIds } from '../../src/tokens/prompt.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { allLogits, greedy, maxAbsDiff, std } from '../../harness/modelHarness.ts';

/**
 * Largest |provider − CPU| allowed, as a fraction of the standard deviation of the CPU's values. Both providers
 * compute every graph in fp32 on the same numbers (fp16 weights are widened once, MatMulNBits dequantises to fp32
 * in packages converted with `--activations fp32`), so only the order of additions and the kernels' exp/erf
 * differ, for every precision: 1e-4 leaves two orders of magnitude above the ~1e-6 that fp32 rounding gives on these graphs.
 */
export const TOLERANCE: Record<WeightPrecision, number> = { fp32: 1e-4, fp16: 1e-4, int8: 1e-4, int4: 1e-4 };

/**
 * int8/int4 packages with int8 activations (the converter's default): each provider's MatMulNBits quantises
 * activations its own way (or not at all), so they are held to the bound test/model/quantized.test.ts holds the CPU
 * to against the reference: max |Δlogit| ≤ 0.15 σ.
 */
export const INT8_ACTIVATIONS_TOLERANCE = 0.15;

export function toleranceOf(weights: Manifest['weights']): number {
  const int8Activations = (weights.precision === 'int4' || weights.precision === 'int8') && weights.activations === 'int8';
  return int8Activations ? INT8_ACTIVATIONS_TOLERANCE : TOLERANCE[weights.precision];
}

export interface StageTimes {
  /** Vision graph over every view, and per view. */
  visionMs: number;
  visionMsPerView: number;
  memoryMs: number;
  prefillMs: number;
  decodeMsPerToken: number;
  tokensPerSecond: number;
  /** Image decoding and tiling (CPU) + vision + image memory + prefill: what a user waits for the first token. */
  timeToFirstTokenMs: number;
}

export interface ProviderRun {
  provider: ProviderName;
  /** Set when the provider could not load or run the package; nothing else is then. */
  error?: string;
  loadMs?: number;
  /** The provider each graph runs on; a GPU provider's sessions refuse CPU fallback, so this is the whole graph. */
  graphs?: Record<string, string>;
  /** The first pass, which includes compiling the GPU's shaders. */
  firstPassMs?: number;
  median?: StageTimes;
  tokens?: number[];
  /** Image memory + KV cache fed to the decoder at the last step: what a GPU provider uploads per token. */
  feedBytesPerStep?: number;
  /** Bytes a decode step must read (decoder weights less the embedding table, image memory, KV cache) ÷ bandwidth. */
  rooflineMsPerToken?: number;
  gpuMemoryMiB?: number;
  rssMiB?: number;
}

/** One prompt's logits and greedy tokens on a provider against the CPU's. */
export interface PromptAgreement {
  prompt: 'short' | 'full';
  promptTokens: number;
  /** |Δ| of the logits at every prompt position ÷ the CPU's standard deviation. */
  logits: number;
  tokensEqual: boolean;
  /** The first generated position where the tokens differ, or -1. */
  firstTokenDifference: number;
  ok: boolean;
}

export interface Agreement {
  provider: ProviderName;
  features: number;
  memory: number;
  /** Relative to the CPU's standard deviation, as TOLERANCE is. */
  tolerance: number;
  prompts: PromptAgreement[];
  ok: boolean;
}

export interface PackageResult {
  name: string;
  precision: WeightPrecision;
  views: number;
  grid: string;
  promptTokens: number;
  decodeAndTilingMs: number;
  runs: ProviderRun[];
  agreement: Agreement[];
}

export interface CheckResult {
  node: string;
  image: string;
  tokens: number;
  repeats: number;
  gpu?: string;
  bandwidthGBs?: number;
  packages: PackageResult[];
}

interface Outputs {
  features: Float32Array;
  memory: ImageMemory;
  /** Per prompt: the logits at every position and the greedy tokens after it. */
  prompts: { logits: Float32Array; tokens: number[] }[];
}

/**
 * The prompts compared: the runtime's real one (system prompt included) and one under 32 tokens. WebGPU's
 * MultiHeadAttention switches to its flash-attention kernel from 32 query tokens on; the short prompt keeps the
 * decoder on its other kernel, so a disagreement can be told apart from one of the flash kernel alone.
 */
const SHORT_QUESTION = 'USER: <image> What is it? ASSISTANT:';
export const FLASH_ATTENTION_FROM = 32;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** GPU memory in use on an NVIDIA machine; undefined elsewhere (software Vulkan uses the process's memory). */
function nvidiaMemoryMiB(): number | undefined {
  try {
    return Number(execFileSync('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { encoding: 'utf8' }).split('\n')[0]);
  } catch {
    return undefined;
  }
}

function nvidiaName(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return undefined;
  }
}

/** |Δ| ÷ std of the CPU's values, the worst over a list of tensor pairs. */
function relative(pairs: [ArrayLike<number>, ArrayLike<number>][]): number {
  return Math.max(...pairs.map(([ours, cpu]) => maxAbsDiff(ours, cpu) / std(cpu)));
}

async function runProvider(
  dir: string,
  provider: ProviderName,
  input: { pixels: Float32Array; views: number; grid: ReturnType<typeof planGrid>; ids: number[]; shortIds: number[]; decodeAndTilingMs: number },
  options: { tokens: number; repeats: number; threads: number; bandwidthGBs?: number },
): Promise<{ run: ProviderRun; outputs?: Outputs }> {
  const gpuBefore = nvidiaMemoryMiB();
  let model: LoadedModel;
  const loadStarted = performance.now();
  try {
    model = await LoadedModel.load(dir, { executionProvider: provider, threads: options.threads, log: (line) => console.error(`[${provider}] ${line}`) });
  } catch (error) {
    return { run: { provider, error: error instanceof Error ? error.message : String(error) } };
  }
  const loadMs = performance.now() - loadStarted;
  try {
    const { pixels, grid, ids } = input;
    const pass = async () => {
      const image = await model.encodeImage(pixels, grid);
      const started = performance.now();
      const state = new DecoderState(model.arch, crossContext(model.arch, [image.memory]));
      await model.decoder.forward(state, ids);
      const prefillMs = performance.now() - started;
      const decodeStarted = performance.now();
      const tokens = await greedy(model, [image.memory], ids, options.tokens);
      // greedy() prefills again before its steps: take that out of the decode time.
      const decodeMsPerToken = (performance.now() - decodeStarted - prefillMs) / options.tokens;
      return { image, prefillMs, decodeMsPerToken, tokens };
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
    const times: StageTimes = {
      visionMs,
      visionMsPerView: visionMs / input.views,
      memoryMs: pick((p) => p.image.memoryMs),
      prefillMs: pick((p) => p.prefillMs),
      decodeMsPerToken,
      tokensPerSecond: 1000 / decodeMsPerToken,
      timeToFirstTokenMs: input.decodeAndTilingMs + pick((p) => p.image.visionMs + p.image.memoryMs + p.prefillMs),
    };
    const memory = last.image.memory;
    const outputs: Outputs = {
      features: await model.encodeViews(pixels, input.views),
      memory,
      prompts: [
        { logits: await allLogits(model, [memory], input.shortIds), tokens: await greedy(model, [memory], input.shortIds, options.tokens) },
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
    if (options.bandwidthGBs && provider !== 'cpu') run.rooflineMsPerToken = ((weightBytes + last.image.memory.bytes + kvBytes) / (options.bandwidthGBs * 1e9)) * 1e3;
    if (gpuBefore !== undefined && gpuAfter !== undefined) run.gpuMemoryMiB = gpuAfter - gpuBefore;
    return { run, outputs };
  } catch (error) {
    return { run: { provider, loadMs, graphs: model.providers, error: failureReason(error) } };
  } finally {
    await model.release();
  }
}

export async function checkPackage(
  name: string,
  dir: string,
  imageFile: string,
  options: { providers: ProviderName[]; tokens: number; repeats: number; threads: number; maxTiles: number; bandwidthGBs?: number },
): Promise<PackageResult> {
  const manifest = readManifest(dir);
  const tokenizer = await InfimmTokenizer.fromFile(join(dir, manifest.tokenizer));
  const started = performance.now();
  const decoded = await decodeImage(readFileSync(imageFile), { name: basename(imageFile), maxPixels: 100_000_000 });
  const grid = planGrid(decoded.width, decoded.height, manifest.tiling.tileSize, options.maxTiles);
  const pixels = await makeViews(decoded, grid, manifest.image);
  const decodeAndTilingMs = performance.now() - started;
  const ids = promptIds(tokenizer, { image: true, turns: [] }, 'What does this screenshot show? Describe every part of it.');
  const shortIds = tokenizer.encode(SHORT_QUESTION, { addBos: true });
  if (shortIds.length >= FLASH_ATTENTION_FROM) throw new Error(`the short prompt has ${shortIds.length} tokens`);
  const input = { pixels, views: grid.views, grid, ids, shortIds, decodeAndTilingMs };
  const runs: ProviderRun[] = [];
  const outputs = new Map<ProviderName, Outputs>();
  for (const provider of options.providers) {
    const result = await runProvider(dir, provider, input, options);
    runs.push(result.run);
    if (result.outputs) outputs.set(provider, result.outputs);
  }
  const cpu = outputs.get('cpu');
  const agreement: Agreement[] = [];
  for (const [provider, ours] of outputs) {
    if (provider === 'cpu' || !cpu) continue;
    const tolerance = toleranceOf(manifest.weights);
    const memoryPairs = ours.memory.keys.flatMap((k, b): [ArrayLike<number>, ArrayLike<number>][] => [
      [k.data as Float32Array, cpu.memory.keys[b]!.data as Float32Array],
      [ours.memory.values[b]!.data as Float32Array, cpu.memory.values[b]!.data as Float32Array],
    ]);
    const prompts = ours.prompts.map((p, n): PromptAgreement => {
      const reference = cpu.prompts[n]!;
      const firstTokenDifference = p.tokens.findIndex((t, i) => t !== reference.tokens[i]);
      const logits = relative([[p.logits, reference.logits]]);
      // fp32 must generate exactly the CPU's tokens; reduced precisions are held to the logits tolerance.
      const ok = logits <= tolerance && (manifest.weights.precision !== 'fp32' || firstTokenDifference < 0);
      return { prompt: n === 0 ? 'short' : 'full', promptTokens: [shortIds, ids][n]!.length, logits, tokensEqual: firstTokenDifference < 0, firstTokenDifference, ok };
    });
    const features = relative([[ours.features, cpu.features]]);
    const memory = relative(memoryPairs);
    agreement.push({ provider, features, memory, tolerance, prompts, ok: features <= tolerance && memory <= tolerance && prompts.every((p) => p.ok) });
  }
  return { name, precision: manifest.weights.precision, views: grid.views, grid: `${grid.rows}×${grid.cols}`, promptTokens: ids.length, decodeAndTilingMs, runs, agreement };
}

const fmt = (value: number | undefined, digits = 1) => (value === undefined ? '–' : value.toFixed(digits));

/** The performance and agreement tables of docs/gpu.md, in Markdown. */
export function markdown(result: CheckResult): string {
  const lines = [
    `${result.gpu ?? 'no NVIDIA GPU'}; ${result.tokens} decoded tokens, median of ${result.repeats} passes`,
    '',
    '| package | provider | graphs | load ms | first pass ms | vision ms/view | image memory ms | prefill ms | decode ms/token | tokens/s | time to first token ms | roofline ms/token | fed per step MiB | GPU memory MiB | RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of result.packages) {
    for (const r of p.runs) {
      const m = r.median;
      const graphs = r.error ? `error: ${r.error}` : [...new Set(Object.values(r.graphs ?? {}))].join('+');
      lines.push(
        `| ${p.name} (${p.views} views) | ${r.provider} | ${graphs} | ${fmt(r.loadMs, 0)} | ${fmt(r.firstPassMs, 0)} | ${fmt(m?.visionMsPerView)} | ${fmt(m?.memoryMs)} | ${fmt(m?.prefillMs)} | ${fmt(m?.decodeMsPerToken, 2)} | ${fmt(m?.tokensPerSecond)} | ${fmt(m?.timeToFirstTokenMs, 0)} | ${fmt(r.rooflineMsPerToken, 3)} | ${fmt(r.feedBytesPerStep === undefined ? undefined : r.feedBytesPerStep / 2 ** 20)} | ${fmt(r.gpuMemoryMiB, 0)} | ${fmt(r.rssMiB, 0)} |`,
      );
    }
  }
  lines.push('', '| package | provider | features | image memory | prompt | logits | tokens equal | agrees |', '|---|---|---|---|---|---|---|---|');
  for (const p of result.packages) {
    for (const a of p.agreement) {
      for (const q of a.prompts) {
        const tokens = q.tokensEqual ? 'yes' : `no (from token ${q.firstTokenDifference})`;
        lines.push(`| ${p.name} | ${a.provider} | ${a.features.toExponential(1)} | ${a.memory.toExponential(1)} | ${q.prompt} (${q.promptTokens} tokens) | ${q.logits.toExponential(1)} | ${tokens} | ${q.ok ? 'yes' : 'NO'} |`);
      }
    }
  }
  lines.push('', `Agreement: largest |provider − CPU| ÷ standard deviation of the CPU's values; tolerance ${TOLERANCE.fp32.toExponential(0)}, ${INT8_ACTIVATIONS_TOLERANCE} for int8/int4 packages with int8 activations.`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      package: { type: 'string', multiple: true, default: [] },
      image: { type: 'string' },
      ep: { type: 'string', default: 'webgpu,cpu' },
      tokens: { type: 'string', default: '32' },
      repeats: { type: 'string', default: '3' },
      'max-tiles': { type: 'string', default: '16' },
      threads: { type: 'string', default: '0' },
      'bandwidth-gbs': { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.image || values.package.length === 0) {
    console.error('usage: check.ts --package NAME=DIR… --image FILE [--ep webgpu,cpu] [--tokens N] [--repeats N] [--max-tiles N] [--threads N] [--bandwidth-gbs N] [--out FILE]');
    return 2;
  }
  const bandwidthGBs = values['bandwidth-gbs'] ? Number(values['bandwidth-gbs']) : undefined;
  const options = {
    providers: values.ep.split(',') as ProviderName[],
    tokens: Number(values.tokens),
    repeats: Number(values.repeats),
    threads: Number(values.threads),
    maxTiles: Number(values['max-tiles']),
    bandwidthGBs,
  };
  const result: CheckResult = { node: process.version, image: basename(values.image), tokens: options.tokens, repeats: options.repeats, gpu: nvidiaName(), bandwidthGBs, packages: [] };
  for (const spec of values.package) {
    const [name, dir] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : [basename(spec), spec];
    console.error(`checking ${name}`);
    result.packages.push(await checkPackage(name, dir, values.image, options));
    // Written after each package, so a run stopped at its time limit still leaves what it finished.
    if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 1));
  }
  console.log(markdown(result));
  const failed = result.packages.some((p) => p.runs.some((r) => r.error) || p.agreement.some((a) => !a.ok));
  return failed ? 1 : 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = await main();
