// The OCR stage's reading of one of the real code-server screenshots of the editor set (bench/ocr-data/editor).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OcrResult } from '../../src/common/protocol.ts';
import { decodeImage } from '../../src/image/decode.ts';
import { OcrEngine } from '../../src/ocr/index.ts';

const EDITOR = join(import.meta.dirname, '..', '..', 'bench', 'ocr-data', 'editor');

export async function readEditorScreenshot(file: string): Promise<OcrResult> {
  const engine = await OcrEngine.load();
  try {
    const image = await decodeImage(await readFile(join(EDITOR, file)), { name: file, maxPixels: 1e8 });
    return await engine.recognize(image);
  } finally {
    await engine.dispose();
  }
}
