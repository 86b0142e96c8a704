// The real-screenshot part of the OCR benchmark: code-server workbench screenshots with their DOM
// truth (bench/ocr-editor-capture.ts), read by this project's OCR, Tesseract and paddleocr's own
// pipeline in the same run, scored per image and per category (bench/ocr-editor-metrics.ts).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '../src/image/decode.ts';
import { OcrEngine } from '../src/ocr/index.ts';
import { EDITOR_DATA_DIR, SCENES, type EditorTruth } from './ocr-editor-capture.ts';
import { type EditorImageScore, f1, scoreImage } from './ocr-editor-metrics.ts';
import { type Engine, ENGINE_NAMES, libraryPipeline, ourLines, tesseract, type EngineOutput } from './ocr-engines.ts';
import { median } from './stats.ts';

export interface EditorScore extends EditorImageScore {
  file: string;
  category: string;
  engine: Engine;
  ms: number;
}

export interface EditorRow {
  category: string;
  engine: Engine;
  images: number;
  /** Mean over images. */
  cappedCer: number;
  /** Pooled over the category's code rows; undefined where it has none. */
  codeCer?: number;
  indentExact?: number;
  lineNumbers?: number;
  /** Mean over images. */
  wordF1: number;
  /** Median. */
  ms: number;
}

/** The screenshots captured into `dir` (each `NAME.json` beside its PNG), in the capture's scene order (others last). */
export async function loadEditorTruth(dir = EDITOR_DATA_DIR, filter?: string): Promise<EditorTruth[]> {
  const order = (name: string): number => SCENES.findIndex((s) => `${s.name}.json` === name) >>> 0;
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.json') && (!filter || f.includes(filter)))
    .sort((a, b) => order(a) - order(b));
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as EditorTruth));
}

export async function benchEditorImages(
  dir = EDITOR_DATA_DIR,
  filter?: string,
  onImage?: (scores: EditorScore[]) => void,
): Promise<EditorScore[]> {
  const truths = await loadEditorTruth(dir, filter);
  const engine = await OcrEngine.load();
  const pipeline = await libraryPipeline();
  const scores: EditorScore[] = [];
  try {
    for (const truth of truths) {
      const path = join(dir, truth.file);
      const bytes = await readFile(path);
      const timed = async (read: () => Promise<Omit<EngineOutput, 'ms'>>): Promise<EngineOutput> => {
        const started = performance.now();
        return { ...(await read()), ms: performance.now() - started };
      };
      const outputs: Array<[Engine, EngineOutput]> = [
        [
          'this',
          await timed(async () => {
            const result = await engine.recognize(
              await decodeImage(bytes, { name: truth.file, maxPixels: 100_000_000 }),
            );
            return { text: result.text, lines: ourLines(result.lines) };
          }),
        ],
        ['tesseract', tesseract(path)],
        [
          'paddleocr',
          await timed(async () => {
            const read = await pipeline.recognize(
              await decodeImage(bytes, { name: truth.file, maxPixels: 100_000_000 }),
            );
            return {
              text: pipeline.processRecognition(read).text,
              lines: read.map((r) => ({ text: r.text, box: [r.box.x, r.box.y, r.box.width, r.box.height] })),
            };
          }),
        ],
      ];
      const image = outputs.map(([name, out]) => ({
        file: truth.file,
        category: truth.category,
        engine: name,
        ms: out.ms,
        ...scoreImage(truth.lines, truth.regions, out.lines),
      }));
      onImage?.(image);
      scores.push(...image);
    }
  } finally {
    await engine.dispose();
    await pipeline.destroy();
  }
  return scores;
}

function row(category: string, engine: Engine, group: readonly EditorScore[]): EditorRow {
  const sum = (f: (s: EditorScore) => number): number => group.reduce((a, s) => a + f(s), 0);
  const share = (part: number, whole: number): number | undefined => (whole > 0 ? part / whole : undefined);
  const rows = sum((s) => s.code.rows);
  return {
    category,
    engine,
    images: group.length,
    cappedCer: sum((s) => s.cappedCer) / group.length,
    ...(rows > 0
      ? {
          codeCer: sum((s) => s.code.edits) / sum((s) => s.code.chars),
          indentExact: sum((s) => s.code.indentExact) / rows,
        }
      : {}),
    ...(rows > 0
      ? {
          lineNumbers: share(
            sum((s) => s.lineNumbers.correct),
            sum((s) => s.lineNumbers.rows),
          ),
        }
      : {}),
    wordF1: sum((s) => f1(s.words)) / group.length,
    ms: median(group.map((s) => s.ms)),
  };
}

/** Rows per category and engine in first-seen order, then "all" per engine. */
export function summarizeEditor(scores: readonly EditorScore[]): EditorRow[] {
  const engines = [...new Set(scores.map((s) => s.engine))];
  const categories = [...new Set(scores.map((s) => s.category))];
  return [...categories, 'all'].flatMap((category) =>
    engines.map((engine) =>
      row(
        category,
        engine,
        scores.filter((s) => s.engine === engine && (category === 'all' || s.category === category)),
      ),
    ),
  );
}

export function editorTable(rows: readonly EditorRow[]): string {
  const pct = (v: number | undefined): string => (v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
  const lines = [
    '| category | engine | images | capped CER | code-line CER | indentation exact | line numbers | word F1 | ms / image (median) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.category} | ${ENGINE_NAMES[r.engine]} | ${r.images} | ${pct(r.cappedCer)} | ${pct(r.codeCer)} | ${pct(r.indentExact)} | ${pct(r.lineNumbers)} | ${pct(r.wordF1)} | ${Math.round(r.ms)} |`,
    );
  }
  return lines.join('\n');
}
