// OCR speed on a real workbench screenshot at device scale 1 (1600×1000) and 2 (3200×2000), and on
// the README's sample: `npx tsx bench/ocr-speed.ts [runs]`. Each run reads the image in-process
// (decoding included), then starts a whole Tesseract process on it, so both see the same load.
// Prints medians after one warm-up run: wall clock, CPU time of the process (both cores count),
// the detection and recognition stages, and Tesseract's wall clock.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../src/image/decode.ts';
import { OcrEngine } from '../src/ocr/index.ts';
import { tesseract } from './ocr-engines.ts';
import { DATA_DIR } from './ocr-generate.ts';
import { median, table } from './stats.ts';

const ROOT = join(import.meta.dirname, '..');
const FILES = [
  join(ROOT, 'media', 'samples', 'ui-screenshot.png'),
  join(DATA_DIR, 'editor', 'editor-ts-dark.png'),
  join(DATA_DIR, 'editor', 'split-ts-py-dark-2x.png'),
];

export interface SpeedRow {
  file: string;
  size: string;
  lines: number;
  medianMs: number;
  bestMs: number;
  cpuMs: number;
  detectMs: number;
  recognizeMs: number;
  tesseractMs: number;
}

export async function benchOcrSpeed(runs = 5, files = FILES): Promise<SpeedRow[]> {
  const engine = await OcrEngine.load();
  const rows: SpeedRow[] = [];
  try {
    for (const path of files) {
      const bytes = await readFile(path);
      const wall: number[] = [];
      const cpu: number[] = [];
      const detect: number[] = [];
      const recognize: number[] = [];
      const tess: number[] = [];
      let last = { lines: 0, size: '' };
      // The unmeasured first run: ONNX Runtime plans its memory on the first call of a shape.
      for (let i = 0; i <= runs; i++) {
        const started = performance.now();
        const usage = process.cpuUsage();
        const image = await decodeImage(bytes, { name: path, maxPixels: 100_000_000 });
        const result = await engine.recognize(image);
        const used = process.cpuUsage(usage);
        const ms = performance.now() - started;
        const tesseractMs = tesseract(path).ms;
        if (i === 0) continue;
        wall.push(ms);
        cpu.push((used.user + used.system) / 1000);
        detect.push(result.stats.detectMs);
        recognize.push(result.stats.recognizeMs);
        tess.push(tesseractMs);
        last = { lines: result.lines.length, size: `${image.width}×${image.height}` };
      }
      rows.push({
        file: path.slice(ROOT.length + 1),
        ...last,
        medianMs: median(wall),
        bestMs: Math.min(...wall),
        cpuMs: median(cpu),
        detectMs: median(detect),
        recognizeMs: median(recognize),
        tesseractMs: median(tess),
      });
    }
  } finally {
    await engine.dispose();
  }
  return rows;
}

if (import.meta.filename === process.argv[1]) {
  const runs = Number(process.argv[2] ?? 5);
  const rows = await benchOcrSpeed(runs);
  console.log(
    `${cpus().length} cores, ${cpus()[0]?.model.trim()}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${runs} runs each (medians)`,
  );
  console.log(
    table(
      ['image', 'size', 'lines', 'ms', 'best ms', 'CPU ms', 'detection ms', 'recognition ms', 'Tesseract ms'],
      rows.map((r) => [
        r.file,
        r.size,
        String(r.lines),
        r.medianMs,
        r.bestMs,
        r.cpuMs,
        r.detectMs,
        r.recognizeMs,
        r.tesseractMs,
      ]),
    ),
  );
}
