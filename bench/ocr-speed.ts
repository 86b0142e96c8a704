// OCR speed on the 1920×1080 screenshots of the evaluation set: `npx tsx bench/ocr-speed.ts [runs]`.
// Prints wall-clock time (best and median of the runs) and the CPU time the process spent per run:
// on a shared machine the wall clock includes waiting for a core, the CPU time does not.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../src/image/decode.ts';
import { OcrEngine } from '../src/ocr/index.ts';
import { DATA_DIR } from './ocr-generate.ts';

const FILES = ['screen/ide-dark-1080p.png', 'screen/web-doc-1080p.png'];

export interface SpeedRow {
  file: string;
  lines: number;
  bestMs: number;
  medianMs: number;
  cpuMs: number;
  detectMs: number;
  recognizeMs: number;
}

export async function benchOcrSpeed(runs = 5): Promise<SpeedRow[]> {
  const engine = await OcrEngine.load();
  const rows: SpeedRow[] = [];
  try {
    for (const file of FILES) {
      const bytes = await readFile(join(DATA_DIR, file));
      const walls: number[] = [];
      const cpu: number[] = [];
      let best = { detectMs: 0, recognizeMs: 0, lines: 0 };
      // One unmeasured run first: ONNX Runtime plans its memory on the first call of a shape.
      for (let i = 0; i <= runs; i++) {
        const started = performance.now();
        const usage = process.cpuUsage();
        const image = await decodeImage(bytes, { name: file, maxPixels: 100_000_000 });
        const result = await engine.recognize(image);
        const used = process.cpuUsage(usage);
        const wall = performance.now() - started;
        if (i === 0) continue;
        if (walls.length === 0 || wall < Math.min(...walls)) best = { ...result.stats, lines: result.lines.length };
        walls.push(wall);
        cpu.push((used.user + used.system) / 1000);
      }
      const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
      rows.push({ file, lines: best.lines, bestMs: Math.min(...walls), medianMs: median(walls), cpuMs: median(cpu), detectMs: best.detectMs, recognizeMs: best.recognizeMs });
    }
  } finally {
    await engine.dispose();
  }
  return rows;
}

if (import.meta.filename === process.argv[1]) {
  const runs = Number(process.argv[2] ?? 5);
  const rows = await benchOcrSpeed(runs);
  console.log(`${cpus().length} cores, ${cpus()[0]?.model.trim()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${runs} runs each`);
  console.log('| image | lines | best ms | median ms | CPU ms (median) | detection ms | recognition ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.file} | ${r.lines} | ${Math.round(r.bestMs)} | ${Math.round(r.medianMs)} | ${Math.round(r.cpuMs)} | ${r.detectMs} | ${r.recognizeMs} |`);
  }
}
