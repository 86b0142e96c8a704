// Conversion throughput and memory: a ≥2 GB bf16 torch.save checkpoint (the 1b preset) converted to fp32 and
// int4 packages, each in its own process so its peak memory is its own, against the largest tensor.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchCheckpointRead } from './checkpoint.ts';
import { benchCheckpoint } from './models.ts';
import type { BenchSection } from './run.ts';
import { median, mib, table } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');

function convertOnce(checkpoint: string, precision: string): { seconds: number; writtenBytes: number; peakRssBytes: number } {
  const out = join(mkdtempSync(join(tmpdir(), 'infimm-bench-convert-')), 'package');
  const code = `
    const { convert } = await import(${JSON.stringify(join(ROOT, 'src', 'convert', 'convert.ts'))});
    const started = performance.now();
    const manifest = await convert(${JSON.stringify(checkpoint)}, ${JSON.stringify(out)}, { precision: ${JSON.stringify(precision)} });
    const written = Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0);
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, writtenBytes: written, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));`;
  const result = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  rmSync(join(out, '..'), { recursive: true, force: true });
  return JSON.parse(result.trim().split('\n').pop()!) as { seconds: number; writtenBytes: number; peakRssBytes: number };
}

async function run(): Promise<string> {
  const checkpoint = await benchCheckpoint('1b');
  const file = join(checkpoint, 'pytorch_model.bin');
  const bytes = statSync(file).size;
  const read = await benchCheckpointRead(checkpoint);
  const rows: Array<Array<string | number>> = [];
  for (const precision of ['fp32', 'int4']) {
    const runs = [convertOnce(checkpoint, precision), convertOnce(checkpoint, precision)];
    const seconds = median(runs.map((r) => r.seconds));
    const peak = Math.max(...runs.map((r) => r.peakRssBytes));
    rows.push([precision, seconds, bytes / 1e6 / seconds, runs[0]!.writtenBytes / 1e6 / seconds, `${mib(peak).toFixed(0)} MiB`, peak / read.largestTensorBytes]);
  }
  return [
    `Checkpoint: the 1b preset as one bf16 torch.save file of ${(bytes / 1e9).toFixed(2)} GB (aliased keys included); largest tensor ${mib(read.largestTensorBytes).toFixed(0)} MiB (bf16). Reading alone (every tensor widened to float32): **${read.mbPerSecond.toFixed(0)} MB/s**, peak RSS ${mib(read.peakRssBytes).toFixed(0)} MiB. Each conversion ran twice in a fresh process; the file was in the page cache.`,
    '',
    table(['weights', 'seconds', 'MB/s read', 'MB/s written', 'peak RSS', 'peak RSS ÷ largest tensor'], rows),
  ].join('\n');
}

export const section: BenchSection = { name: 'convert', title: 'Conversion', run };
