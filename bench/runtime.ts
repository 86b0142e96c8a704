// The runtime benchmark: decode speed against the PyTorch reference (same weights, same threads) and against
// the memory-bandwidth roofline, the cost of image size per decode step, vision throughput against a large
// matmul, the time to first token of a 1344×1344 screenshot, and peak memory against the weights.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataType, GraphBuilder } from '../src/onnx/graph.ts';
import { openModel } from '../src/onnx/session.ts';
import { WeightFile } from '../src/onnx/weight-file.ts';
import { readManifest } from '../src/package/verify.ts';
import { PYTHON } from '../harness/requirements.ts';
import { benchCheckpoint, benchPackage, type BenchPreset } from './models.ts';
import type { BenchSection } from './run.ts';
import { benchPrompt, NEW_TOKENS, type CaseResult } from './runtime-case.ts';
import { mib, table } from './stats.ts';

const THREADS = 2;
const ROOT = resolve(import.meta.dirname, '..');

/** Aggregate read bandwidth of THREADS threads, each comparing two 256 MiB buffers (memcmp reads both): the best
 * of 5 rounds, as an estimate of the limit on a shared machine. */
export async function readBandwidth(): Promise<number> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const a = Buffer.alloc(256 << 20, 7), b = Buffer.alloc(256 << 20, 7);
    parentPort.on('message', (rounds) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < rounds; i++) if (!a.equals(b)) throw new Error('differ');
      parentPort.postMessage(Number(process.hrtime.bigint() - started) / 1e9);
    });`;
  const workers = Array.from({ length: THREADS }, () => new Worker(code, { eval: true }));
  const once = () =>
    Promise.all(workers.map((w) => new Promise<number>((r) => (w.once('message', r), w.postMessage(4)))));
  await once(); // pages touched, caches warm
  const results: number[] = [];
  for (let i = 0; i < 5; i++) {
    const seconds = await once();
    results.push((THREADS * 4 * 2 * (256 << 20)) / Math.max(...seconds) / 1e9);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return Math.max(...results);
}

/**
 * The fp32 MatMul limit: ONNX Runtime's best GFLOP/s over 7 runs each of two shapes, a square-ish one and the
 * ViT-B MLP's (514 = two views of 257 tokens).
 */
async function matmulGflops(): Promise<number> {
  let best = 0;
  for (const [M, K, N] of [
    [1024, 2048, 2048],
    [514, 768, 3072],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'infimm-matmul-'));
    const weights = new WeightFile(dir, 'w.bin');
    const g = new GraphBuilder('matmul', weights);
    const x = g.input('x', DataType.FLOAT, [M, K]);
    g.output(
      g.op('MatMul', [
        x,
        g.weight(
          'w',
          Float32Array.from({ length: K * N }, (_, i) => Math.sin(i)),
          [K, N],
        ),
      ]),
      'y',
      DataType.FLOAT,
      [M, N],
    );
    weights.close();
    writeFileSync(join(dir, 'm.onnx'), g.toBytes('matmul'));
    const session = await openModel(join(dir, 'm.onnx'), { providers: ['cpu'], intraOpThreads: THREADS });
    const input = { data: Float32Array.from({ length: M * K }, (_, i) => Math.cos(i)), dims: [M, K] };
    await session.run({ x: input });
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      await session.run({ x: input });
      best = Math.max(best, (2 * M * K * N) / ((performance.now() - started) / 1000) / 1e9);
    }
    await session.release();
    rmSync(dir, { recursive: true, force: true });
  }
  return best;
}

function runCase(dir: string, pixelsFile: string): CaseResult {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'runtime-case.ts'), dir, String(THREADS), pixelsFile],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as CaseResult;
}

interface TorchResult {
  ids: number[];
  prefill_ms: number;
  step_ms: number;
}

function runTorch(checkpoint: string, prompt: number[], pixelsFile: string): TorchResult {
  const out = execFileSync(
    PYTHON,
    [
      '-m',
      'infimm.bench_decode',
      '--checkpoint',
      checkpoint,
      '--threads',
      String(THREADS),
      '--prompt-ids',
      prompt.join(','),
      '--new-tokens',
      String(NEW_TOKENS),
      '--pixels',
      pixelsFile,
      '--views',
      '2',
      '--rows',
      '1',
      '--cols',
      '1',
    ],
    { cwd: join(ROOT, 'python'), encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as TorchResult;
}

async function run(): Promise<string> {
  const bandwidth = await readBandwidth();
  const gemm = await matmulGflops();
  const decodeRows: Array<Array<string | number>> = [];
  const imageRows: Array<Array<string | number>> = [];
  const ttftRows: Array<Array<string | number>> = [];
  for (const preset of ['nano', '1b'] as BenchPreset[]) {
    const checkpoint = await benchCheckpoint(preset);
    for (const precision of ['fp32', 'int4'] as const) {
      const dir = await benchPackage(preset, precision);
      const pixelsFile = join(mkdtempSync(join(tmpdir(), 'infimm-bench-')), 'pixels.f32');
      const ours = runCase(dir, pixelsFile);
      // The reference runs the checkpoint's weights in fp32 (PyTorch 1.13 has no int4 kernels on the CPU).
      const manifest = readManifest(dir);
      const torch = runTorch(
        checkpoint,
        benchPrompt(manifest.architecture.language.vocabSize, manifest.tokens.image),
        pixelsFile,
      );
      rmSync(join(pixelsFile, '..'), { recursive: true, force: true });
      const same = precision === 'fp32' ? (ours.ids.join() === torch.ids.join() ? 'yes' : 'NO') : 'n/a';
      const roofMs = (ours.decoderWeightBytes / (bandwidth * 1e9)) * 1000;
      decodeRows.push([
        `${preset} ${precision}`,
        1000 / ours.stepMs,
        1000 / torch.step_ms,
        torch.step_ms / ours.stepMs,
        same,
        `${mib(ours.decoderWeightBytes).toFixed(0)} MiB`,
        roofMs / ours.stepMs,
        torch.prefill_ms / ours.prefillMs,
      ]);
      imageRows.push([
        `${preset} ${precision}`,
        ours.stepMsThumbnailOnly,
        ours.stepMs10Views,
        ours.stepMs10Views / ours.stepMsThumbnailOnly,
        ours.visionMsPerView,
        ours.visionGflopPerView / (ours.visionMsPerView / 1000) / gemm,
      ]);
      const s = ours.screenshot;
      ttftRows.push([
        `${preset} ${precision}`,
        s.grid,
        s.decodeImageMs,
        s.tilingMs,
        s.visionMs,
        s.memoryMs,
        s.prefillMs,
        s.timeToFirstTokenMs,
        `${mib(ours.peakRssBytes).toFixed(0)} MiB`,
        ours.peakRssBytes / ours.weightBytes,
      ]);
    }
  }
  return [
    `${THREADS} threads for both engines. Read bandwidth measured here: **${bandwidth.toFixed(1)} GB/s** (best of 5 rounds of ${THREADS} threads comparing 256 MiB buffers). fp32 MatMul limit: **${gemm.toFixed(0)} GFLOP/s** (best of ONNX Runtime's MatMul at 1024×2048·2048×2048 and 514×768·768×3072). Decode: ${NEW_TOKENS} greedy tokens after a 32-token prompt holding a 1×1-grid image (2 views), median step of 3 rounds. PyTorch: the reference modules with a KV cache and the image keys/values computed once (python/infimm/bench_decode.py), fp32 weights. Fraction of roofline = (weight bytes read per token ÷ read bandwidth) ÷ our step time; above 1 means ONNX Runtime's GEMV threads read faster than the memcmp measure, which is then a conservative bandwidth.`,
    '',
    table(
      [
        'package',
        'ours tokens/s',
        'PyTorch tokens/s',
        'ours ÷ PyTorch',
        'same tokens',
        'weights read per token',
        'roofline ÷ ours (fraction of roofline)',
        'prefill: PyTorch ms ÷ ours',
      ],
      decodeRows,
    ),
    '',
    'Image size and decode cost (the cross-attention memory design: visual tokens never enter the sequence), and vision throughput:',
    '',
    table(
      [
        'package',
        'step ms, 1 view',
        'step ms, 10 views',
        '10 ÷ 1',
        'vision ms per view',
        'vision GFLOP/s ÷ MatMul GFLOP/s',
      ],
      imageRows,
    ),
    '',
    'Time to first token for a 1344×1344 screenshot (tile size 224 for these packages, so a 6×6 grid + thumbnail = 37 views; one new token), and peak memory of the whole process:',
    '',
    table(
      [
        'package',
        'grid',
        'decode image ms',
        'tiling ms',
        'vision ms',
        'image memory ms',
        'prefill ms',
        'first token ms',
        'peak RSS',
        'peak RSS ÷ weights',
      ],
      ttftRows,
    ),
  ].join('\n');
}

export const section: BenchSection = { name: 'runtime', title: 'Runtime on the CPU', run };
