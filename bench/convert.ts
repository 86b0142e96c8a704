// Conversion throughput and memory: a ≥2 GB bf16 torch.save checkpoint (the 1b preset) converted to fp32 and
// int4 packages, each in its own process so its peak memory is its own, against the largest tensor; int4 on one
// thread and on every core, alternating, so that the ratio holds on a busy machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultThreads } from '../src/onnx/quantize-workers.ts';
import { benchCheckpointRead } from './checkpoint.ts';
import { benchCheckpoint } from './models.ts';
import type { BenchSection } from './run.ts';
import { median, mib, table } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface ConversionRun {
  seconds: number;
  writtenBytes: number;
  peakRssBytes: number;
}

/** One conversion in a fresh process; the package is written to `keep` and left there, or to a temporary folder. */
export function convertOnce(checkpoint: string, precision: string, threads: number, keep?: string): ConversionRun {
  const out = keep ?? join(mkdtempSync(join(tmpdir(), 'infimm-bench-convert-')), 'package');
  const code = `
    const { convert } = await import(${JSON.stringify(join(ROOT, 'src', 'convert', 'convert.ts'))});
    const started = performance.now();
    const manifest = await convert(${JSON.stringify(checkpoint)}, ${JSON.stringify(out)}, { precision: ${JSON.stringify(precision)}, threads: ${threads} });
    const written = Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0);
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, writtenBytes: written, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));`;
  const result = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (keep === undefined) rmSync(join(out, '..'), { recursive: true, force: true });
  return JSON.parse(result.trim().split('\n').pop()!) as ConversionRun;
}

async function run(): Promise<string> {
  const checkpoint = await benchCheckpoint('1b');
  const file = join(checkpoint, 'pytorch_model.bin');
  const bytes = statSync(file).size;
  const read = await benchCheckpointRead(checkpoint);
  const cases = [
    { precision: 'fp32', threads: 1 },
    { precision: 'int4', threads: 1 },
    { precision: 'int4', threads: defaultThreads() },
  ];
  const runs = cases.map(() => [] as ConversionRun[]);
  for (let round = 0; round < 2; round++)
    cases.forEach((c, i) => runs[i]!.push(convertOnce(checkpoint, c.precision, c.threads)));
  const rows = cases.map((c, i) => {
    const seconds = median(runs[i]!.map((r) => r.seconds));
    const peak = Math.max(...runs[i]!.map((r) => r.peakRssBytes));
    return [
      c.precision,
      String(c.threads),
      seconds,
      bytes / 1e6 / seconds,
      bytes / 1e6 / seconds / read.mbPerSecond,
      runs[i]![0]!.writtenBytes / 1e6 / seconds,
      `${mib(peak).toFixed(0)} MiB`,
      peak / read.largestTensorBytes,
    ];
  });
  return [
    `Checkpoint: the 1b preset as one bf16 torch.save file of ${(bytes / 1e9).toFixed(2)} GB (aliased keys included); largest tensor ${mib(read.largestTensorBytes).toFixed(0)} MiB (bf16). Reading alone (every tensor widened to float32): **${read.mbPerSecond.toFixed(0)} MB/s**, peak RSS ${mib(read.peakRssBytes).toFixed(0)} MiB. Each conversion ran twice in a fresh process, the cases alternating; the file was in the page cache. Threads quantise int4 weights (fp32 has nothing to quantise).`,
    '',
    table(
      [
        'weights',
        'threads',
        'seconds',
        'MB/s read',
        '÷ reading alone',
        'MB/s written',
        'peak RSS',
        'peak RSS ÷ largest tensor',
      ],
      rows,
    ),
  ].join('\n');
}

export const section: BenchSection = { name: 'convert', title: 'Conversion', run };
