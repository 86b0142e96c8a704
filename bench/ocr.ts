// OCR benchmark: this project's OCR and Debian's Tesseract on the same evaluation images, per
// category: character and word error rates, indentation exactness for code, milliseconds per image.
// With `library`, also paddleocr's own pipeline on the same PP-OCRv4 models (what this project
// would get by using that npm runtime as it is).
// Then the real workbench screenshots (bench/ocr-editor.ts), always with all three engines.
// Standalone: `npx tsx bench/ocr.ts [--verbose] [--library] [--synthetic | --editor] [name-filter]`
// prints the Markdown tables.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '../src/image/decode.ts';
import { OcrEngine } from '../src/ocr/index.ts';
import { benchEditorImages, editorTable, summarizeEditor } from './ocr-editor.ts';
import { type Engine, ENGINE_NAMES, libraryPipeline, TESSERACT, tesseract } from './ocr-engines.ts';
import { DATA_DIR, type TruthEntry } from './ocr-generate.ts';
import type { BenchSection } from './run.ts';
import { cer, indentationExact, normalize, wer } from './ocr-metrics.ts';
import { CODE_CATEGORIES } from './ocr-samples.ts';

export interface ImageScore {
  file: string;
  category: string;
  engine: Engine;
  cer: number;
  wer: number;
  /** Code categories only. */
  indentation?: { exact: number; lines: number };
  ms: number;
  text: string;
}

export interface BenchRow {
  category: string;
  engine: Engine;
  images: number;
  /** Means over the category's images. */
  cer: number;
  wer: number;
  /** Exactly indented reference lines over all reference lines (code categories only). */
  indentation?: number;
  ms: number;
}

function score(entry: TruthEntry, engine: Engine, text: string, ms: number): ImageScore {
  const code = CODE_CATEGORIES.has(entry.category);
  const hyp = normalize(text, code);
  const ref = normalize(entry.truth, code);
  return {
    file: entry.file,
    category: entry.category,
    engine,
    cer: cer(hyp, ref),
    wer: wer(hyp, ref),
    ...(code ? { indentation: indentationExact(hyp, ref) } : {}),
    ms,
    text,
  };
}

export async function benchImages(filter?: string, library = false): Promise<ImageScore[]> {
  // Generated pages, then real screenshots (X11 programs) transcribed by hand.
  const truth = (
    await Promise.all(
      ['truth.json', 'real/truth.json'].map(
        async (f) => JSON.parse(await readFile(join(DATA_DIR, f), 'utf8')) as TruthEntry[],
      ),
    )
  ).flat();
  const engine = await OcrEngine.load();
  const pipeline = library ? await libraryPipeline() : undefined;
  const scores: ImageScore[] = [];
  try {
    for (const entry of truth.filter((e) => !filter || e.file.includes(filter))) {
      const path = join(DATA_DIR, entry.file);
      const bytes = await readFile(path);
      const started = performance.now();
      const image = await decodeImage(bytes, { name: entry.file, maxPixels: 100_000_000 });
      const result = await engine.recognize(image);
      scores.push(score(entry, 'this', result.text, performance.now() - started));
      const t = tesseract(path);
      scores.push(score(entry, 'tesseract', t.text, t.ms));
      if (pipeline) {
        const started = performance.now();
        const image = await decodeImage(bytes, { name: entry.file, maxPixels: 100_000_000 });
        const text = pipeline.processRecognition(await pipeline.recognize(image)).text;
        scores.push(score(entry, 'paddleocr', text, performance.now() - started));
      }
    }
  } finally {
    await engine.dispose();
    await pipeline?.destroy();
  }
  return scores;
}

export function summarize(scores: readonly ImageScore[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const keys = [...new Set(scores.map((s) => `${s.category}\t${s.engine}`))];
  for (const key of keys) {
    const [category, engine] = key.split('\t') as [string, Engine];
    const group = scores.filter((s) => s.category === category && s.engine === engine);
    const mean = (f: (s: ImageScore) => number): number => group.reduce((a, s) => a + f(s), 0) / group.length;
    const indented = group.filter((s) => s.indentation);
    rows.push({
      category,
      engine,
      images: group.length,
      cer: mean((s) => s.cer),
      wer: mean((s) => s.wer),
      ...(indented.length
        ? {
            indentation:
              indented.reduce((a, s) => a + s.indentation!.exact, 0) /
              indented.reduce((a, s) => a + s.indentation!.lines, 0),
          }
        : {}),
      ms: mean((s) => s.ms),
    });
  }
  return rows;
}

export async function benchOcr(filter?: string, library = false): Promise<BenchRow[]> {
  return summarize(await benchImages(filter, library));
}

function table(rows: readonly BenchRow[]): string {
  const pct = (v: number | undefined): string => (v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
  const lines = [
    '| category | engine | images | CER | WER | indentation exact | ms / image |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.category} | ${ENGINE_NAMES[r.engine]} | ${r.images} | ${pct(r.cer)} | ${pct(r.wer)} | ${pct(r.indentation)} | ${Math.round(r.ms)} |`,
    );
  }
  return lines.join('\n');
}

function machineLine(): string {
  const tess = spawnSync(TESSERACT, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  return `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${cpus()[0]?.model.trim()}, Node ${process.version}, ${tess}`;
}

/** `npm run bench -- ocr`: the real-screenshot table, all three engines. */
export const section: BenchSection = {
  name: 'ocr',
  title: 'OCR on real workbench screenshots',
  async run() {
    const rows = summarizeEditor(await benchEditorImages());
    return `Method and set: docs/bench/ocr.md. ${machineLine()}.\n\n${editorTable(rows)}`;
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const verbose = process.argv.includes('--verbose');
  const only = process.argv.find((a) => a === '--synthetic' || a === '--editor');
  const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (only !== '--editor') {
    const scores = await benchImages(filter, process.argv.includes('--library'));
    if (verbose) {
      for (const s of scores) {
        console.log(
          `\n== ${s.file} [${s.engine}] CER ${(s.cer * 100).toFixed(1)}% WER ${(s.wer * 100).toFixed(1)}% ${Math.round(s.ms)} ms`,
        );
        if (s.indentation) console.log(`indentation ${s.indentation.exact}/${s.indentation.lines}`);
        console.log(s.text);
      }
    }
    console.log(`\n${machineLine()}\n`);
    console.log(table(summarize(scores)));
  }
  if (only !== '--synthetic') {
    const scores = await benchEditorImages(undefined, filter, (image) => {
      if (!verbose) return;
      for (const s of image) {
        console.log(
          `${s.file} [${s.engine}] capped CER ${(s.cappedCer * 100).toFixed(1)}%, code ${s.code.edits}/${s.code.chars} edits, indent ${s.code.indentExact}/${s.code.rows}, ` +
            `line numbers ${s.lineNumbers.correct}/${s.lineNumbers.rows}, words ${s.words.matched}/${s.words.truth} of ${s.words.read} read, ${Math.round(s.ms)} ms`,
        );
      }
    });
    console.log(`\nReal workbench screenshots (bench/ocr-data/editor), ${machineLine()}\n`);
    console.log(editorTable(summarizeEditor(scores)));
  }
}
