// The OCR engines the benchmark compares, each giving its text and its lines with boxes in image pixels.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaddleOcrService } from 'paddleocr';
import type { OcrLine } from '../src/common/protocol.ts';
import { defaultModelFiles } from '../src/ocr/index.ts';
import { paddleOrt } from '../src/ocr/paddle-ort.ts';
import type { ReadLine } from './ocr-editor-metrics.ts';

export type Engine = 'this' | 'tesseract' | 'paddleocr';

export const ENGINE_NAMES: Record<Engine, string> = {
  this: 'this OCR',
  tesseract: 'Tesseract',
  paddleocr: 'paddleocr pipeline',
};

export const TESSERACT = process.env.TESSERACT ?? 'tesseract';

export interface EngineOutput {
  text: string;
  lines: ReadLine[];
  ms: number;
}

/**
 * Tesseract 5 as a user would run it on a screenshot: automatic page layout, its English model. One
 * process writes the text (spaces kept) and the TSV of boxes; each text line is paired with its TSV
 * line, which holds the same words in the same order.
 */
export function tesseract(path: string): EngineOutput {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-bench-'));
  try {
    const started = performance.now();
    const run = spawnSync(
      TESSERACT,
      [
        path,
        join(dir, 'out'),
        '--psm',
        '3',
        '--dpi',
        '96',
        '-l',
        'eng',
        '-c',
        'preserve_interword_spaces=1',
        'txt',
        'tsv',
      ],
      {
        encoding: 'utf8',
      },
    );
    const ms = performance.now() - started;
    if (run.status !== 0) {
      throw new Error(
        `${TESSERACT} failed on ${path} (${run.error?.message ?? run.stderr.trim()}); install Debian's tesseract-ocr or set TESSERACT.`,
      );
    }
    const text = readFileSync(join(dir, 'out.txt'), 'utf8');
    return { text, lines: tesseractLines(text, readFileSync(join(dir, 'out.tsv'), 'utf8')), ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tesseractLines(text: string, tsv: string): ReadLine[] {
  // TSV columns: level page block par line word left top width height conf text.
  const lines = new Map<string, { words: string[]; box: [number, number, number, number] }>();
  for (const row of tsv.split('\n').slice(1)) {
    const c = row.split('\t');
    if (c.length < 12) continue;
    const key = c.slice(1, 5).join('.');
    const [left, top, width, height] = c.slice(6, 10).map(Number) as [number, number, number, number];
    if (c[0] === '4') lines.set(key, { words: [], box: [left, top, width, height] });
    else if (c[0] === '5' && c[11]!.trim()) lines.get(key)?.words.push(c[11]!);
  }
  const texts = text.split('\n').filter((l) => l.trim());
  return [...lines.values()]
    .filter((l) => l.words.length > 0)
    .map((l, i) => {
      const spaced = texts[i];
      const same = spaced !== undefined && spaced.trim().split(/\s+/).join(' ') === l.words.join(' ');
      return { text: same ? spaced.replace(/\s+$/, '') : l.words.join(' '), box: l.box };
    });
}

/** This project's lines: indentation is a field of code lines, the gutter number (where given) another. */
export function ourLines(lines: readonly OcrLine[]): ReadLine[] {
  return lines.map((l) => {
    const xs = l.box.map((p) => p[0]);
    const ys = l.box.map((p) => p[1]);
    const box: ReadLine['box'] = [
      Math.min(...xs),
      Math.min(...ys),
      Math.max(...xs) - Math.min(...xs),
      Math.max(...ys) - Math.min(...ys),
    ];
    const { lineNumber } = l as OcrLine & { lineNumber?: number };
    return { text: ' '.repeat(l.indent ?? 0) + l.text, box, ...(lineNumber === undefined ? {} : { lineNumber }) };
  });
}

/** paddleocr's PaddleOcrService with PaddleOCR's defaults for PP-OCRv4 (BGR input, 960-px detection). */
export async function libraryPipeline(): Promise<PaddleOcrService> {
  const files = defaultModelFiles();
  const buffer = async (path: string): Promise<ArrayBuffer> => {
    const b = await readFile(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
  const dictionary = (await readFile(files.dictionary, 'utf8')).split('\n').filter(Boolean);
  return PaddleOcrService.createInstance({
    ort: paddleOrt,
    detection: { modelBuffer: await buffer(files.detection), channelOrder: 'bgr' },
    recognition: {
      modelBuffer: await buffer(files.recognition),
      channelOrder: 'bgr',
      charactersDictionary: ['', ...dictionary, ' '],
    },
  });
}
