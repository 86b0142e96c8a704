// Our decoder against llama.cpp (the engine under Ollama and LM Studio, here through node-llama-cpp) on the same
// weights: the language model of the benchmark checkpoints (the path of a prompt without <image>), as our fp32
// and int4 packages and as F32 and Q4_0 GGUF files. Each engine runs in its own process, the two alternating.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convert } from '../src/convert/convert.ts';
import type { ActivationPrecision, WeightPrecision } from '../src/common/precision.ts';
import { readManifest } from '../src/package/verify.ts';
import { writeLlamaGguf, type GgufPrecision } from './gguf-llama.ts';
import type { CaseResult } from './llama-case.ts';
import { benchCheckpoint, PACKAGE_SOURCES, sourceHash, type BenchPreset } from './models.ts';
import type { BenchSection } from './run.ts';
import { median, mib, table } from './stats.ts';

/** Same for both engines. This machine has 2 cores, shared with other work: see the note on 2 threads. */
const THREADS = [1, 2];
const SHORT_PROMPT = 16;
const LONG_PROMPT = 128;
const NEW_TOKENS = 64;
/** Processes per engine and model, alternating; each measures REPETITIONS answers after a warm-up. */
const ROUNDS = 3;
const REPETITIONS: Record<BenchPreset, number> = { nano: 3, '1b': 1 };

const ROOT = resolve(import.meta.dirname, '..');

/** Made once under `dir`, in a temporary path renamed into place. */
async function cached(dir: string, name: string, make: (path: string) => Promise<unknown>): Promise<string> {
  const path = join(dir, name);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.partial`;
  rmSync(temp, { recursive: true, force: true });
  await make(temp);
  renameSync(temp, path);
  return path;
}

function runCase(
  engine: 'ours' | 'llama',
  path: string,
  threads: number,
  short: number[],
  long: number[],
  repetitions: number,
): CaseResult {
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'bench', 'llama-case.ts'),
    engine,
    path,
    String(threads),
    short.join(),
    long.join(),
    String(NEW_TOKENS),
    String(repetitions),
  ];
  const out = execFileSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as CaseResult;
}

/** BOS, then ids spread over the vocabulary below the added tokens. */
function prompt(length: number, vocab: number): number[] {
  return [1, ...Array.from({ length: length - 1 }, (_, i) => 3 + ((i * 7919) % (vocab - 10)))];
}

/** "ours ÷ theirs (ours vs theirs)" with the better side in bold. */
function versus(ours: number, theirs: number, higherIsBetter: boolean, unit = ''): string {
  const ratio = ours / theirs;
  const text = `${ratio.toFixed(2)}× (${ours.toFixed(ours >= 100 ? 0 : 1)} vs ${theirs.toFixed(theirs >= 100 ? 0 : 1)}${unit})`;
  return ratio >= 1 === higherIsBetter ? `**${text}**` : text;
}

export interface Variant {
  label: string;
  precision: WeightPrecision;
  activations?: ActivationPrecision;
}

export interface Comparison {
  gguf: GgufPrecision;
  ours: Variant[];
}

/** Each GGUF precision with the packages measured against it. */
export const COMPARISONS: Comparison[] = [
  { gguf: 'F32', ours: [{ label: 'fp32', precision: 'fp32' }] },
  {
    gguf: 'Q4_0',
    ours: [
      { label: 'int4', precision: 'int4' },
      { label: 'int4, fp32 activations', precision: 'int4', activations: 'fp32' },
    ],
  },
];

/** The folder name of a variant's package: made again when the converter's sources change. */
export function packageName(v: Variant): string {
  return `${v.precision}-${v.activations ?? 'int8'}-${sourceHash(PACKAGE_SOURCES)}`;
}

/** Packages and GGUF files of one checkpoint, made once under `dir`. */
async function models(checkpoint: string, dir: string, comparison: Comparison) {
  const ggufKey = sourceHash(['bench/gguf.ts', 'bench/gguf-llama.ts']);
  const packages: string[] = [];
  for (const v of comparison.ours)
    packages.push(
      await cached(dir, packageName(v), (out) =>
        convert(checkpoint, out, { precision: v.precision, activations: v.activations ?? 'int8' }),
      ),
    );
  const { architecture, tokens } = readManifest(packages[0]!);
  const gguf = await cached(dir, `${comparison.gguf}-${ggufKey}.gguf`, (out) =>
    writeLlamaGguf(checkpoint, architecture, tokens, comparison.gguf, out),
  );
  return { packages, gguf, vocab: architecture.language.vocabSize };
}

export const LLAMA_COLUMNS = [
  'model: ours / llama.cpp',
  'weights ours / GGUF',
  'decode tokens/s',
  'prompt tokens/s',
  'first token',
  'peak memory',
  'same greedy tokens',
];

/**
 * One table row (LLAMA_COLUMNS) per package of `comparison` against its GGUF file, both made from `checkpoint`
 * (cached under `dir`): `rounds` processes per engine, alternating, each measuring `repetitions` answers.
 */
export async function compareRows(
  label: string,
  checkpoint: string,
  dir: string,
  comparison: Comparison,
  threads: number,
  rounds: number,
  repetitions: number,
): Promise<Array<Array<string | number>>> {
  const { packages, gguf, vocab } = await models(checkpoint, dir, comparison);
  const [short, long] = [prompt(SHORT_PROMPT, vocab), prompt(LONG_PROMPT, vocab)];
  const results: CaseResult[][] = packages.map(() => []);
  const theirs: CaseResult[] = [];
  for (let r = 0; r < rounds; r++) {
    packages.forEach((pkg, i) => results[i]!.push(runCase('ours', pkg, threads, short, long, repetitions)));
    theirs.push(runCase('llama', gguf, threads, short, long, repetitions));
  }
  const stat = (cases: CaseResult[], f: (run: CaseResult['runs'][number]) => number) =>
    median(cases.flatMap((c) => c.runs.map(f)));
  const metrics = (cases: CaseResult[]) => ({
    decode: stat(cases, (x) => ((NEW_TOKENS - 1) / x.decodeMs) * 1000),
    prompt: stat(cases, (x) => (LONG_PROMPT / x.promptMs) * 1000),
    first: stat(cases, (x) => x.firstTokenMs),
    peak: mib(Math.max(...cases.map((c) => c.peakRssBytes))),
    ids: cases[0]!.ids,
  });
  const them = metrics(theirs);
  return comparison.ours.map((v, i) => {
    const us = metrics(results[i]!);
    const agree = us.ids.findIndex((id, n) => id !== them.ids[n]);
    return [
      `${label}: ${v.label} / ${comparison.gguf}`,
      `${mib(statSync(join(packages[i]!, 'decoder.weights')).size).toFixed(0)} / ${mib(statSync(gguf).size).toFixed(0)} MiB`,
      versus(us.decode, them.decode, true),
      versus(us.prompt, them.prompt, true),
      versus(us.first, them.first, false, ' ms'),
      versus(us.peak, them.peak, false, ' MiB'),
      agree < 0 ? `all ${NEW_TOKENS}` : `first ${agree}`,
    ];
  });
}

async function measure(threads: number): Promise<string> {
  const rows: Array<Array<string | number>> = [];
  for (const preset of ['nano', '1b'] as BenchPreset[]) {
    const dir = join(ROOT, '.cache', 'bench', preset, 'llama');
    for (const comparison of COMPARISONS)
      rows.push(
        ...(await compareRows(
          preset,
          await benchCheckpoint(preset),
          dir,
          comparison,
          threads,
          ROUNDS,
          REPETITIONS[preset],
        )),
      );
  }
  return table(LLAMA_COLUMNS, rows);
}

async function run(): Promise<string> {
  const tables: string[] = [];
  for (const threads of THREADS)
    tables.push(`**${threads} thread${threads > 1 ? 's' : ''} each:**`, '', await measure(threads), '');
  return [
    `The language model of the benchmark checkpoints (random weights, test tokenizer: vocabulary 3002) with no \`<image>\` in the prompt, the path llama.cpp can run: our fp32 and int4 packages (\`npm run convert\`) against GGUF files of the same checkpoint written by bench/gguf-llama.ts (F32: the same numbers; Q4_0: ggml's own 4-bit scheme, with the embeddings in F16 as in our int4 package), run by llama.cpp through node-llama-cpp's prebuilt CPU binary (no GPU, float32 KV cache, which is the same function as ours; its default F16 cache is not). The same thread count for both, greedy decoding of the same prompt ids. Each cell is ours ÷ llama.cpp (ours vs llama.cpp), the better side in bold; medians of ${ROUNDS} processes per engine, alternating, each measuring ${REPETITIONS.nano} (nano) or ${REPETITIONS['1b']} (1b) answers after a warm-up. Decode: ${NEW_TOKENS} tokens after a ${LONG_PROMPT}-token prompt; prompt processing: that prompt to its first token; first token: a ${SHORT_PROMPT}-token prompt; peak memory: the process's peak RSS (Node included on both sides). Our weights: decoder.weights, which also hold the gated cross-attention blocks (skipped on this path). int4: symmetric blocks of 32 with fp32 scales (20 bytes per 32 weights; Q4_0: 18 with fp16 scales) multiplied with int8 activations (MatMulNBits accuracy_level 4), as llama.cpp's Q4_0 × Q8_0 kernels do, the converter's default; "fp32 activations": the same weights converted with \`--activations fp32\` (accuracy_level 0, exact against the dequantised weights).`,
    '',
    ...tables,
    "With 2 threads on this 2-core machine, which other processes share, llama.cpp's worker threads wait for each other at every operation and lose whole time slices to the other processes; ONNX Runtime's thread pool suffers less. The 1-thread table compares the engines' kernels and per-step overheads without that effect.",
  ].join('\n');
}

export const section: BenchSection = { name: 'llama', title: 'Decoder against llama.cpp', run };
