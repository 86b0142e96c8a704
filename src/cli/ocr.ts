// `npm run ocr -- <image>... [--json] [--layout auto|code|prose]`: prints the text read from each image, or
// one JSON object per line (the image's path, text, box, confidence, words).
import { readFile } from 'node:fs/promises';
import { decodeImage } from '../image/decode.ts';
import { ImageError } from '../image/error.ts';
import { OcrEngine, OcrError, type LayoutMode } from '../ocr/index.ts';
import { commandLine } from './command-line.ts';

const USAGE = 'Usage: npm run ocr -- <image>... [--json] [--layout auto|code|prose]';
/** The runtime's default pixel limit for one image. */
const MAX_PIXELS = 100_000_000;

async function main(): Promise<number> {
  const parsed = commandLine(
    {
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, layout: { type: 'string', default: 'auto' } },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { positionals, values } = parsed;
  const layout = values.layout;
  if (positionals.length === 0 || (layout !== 'auto' && layout !== 'code' && layout !== 'prose')) {
    console.error(USAGE);
    return 2;
  }
  const engine = await OcrEngine.load();
  try {
    for (const path of positionals) {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (error) {
        console.error(
          `Cannot read "${path}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}.\nCheck the path and retry.`,
        );
        return 1;
      }
      const image = await decodeImage(bytes, { name: path, maxPixels: MAX_PIXELS });
      const result = await engine.recognize(image, { layout: layout as LayoutMode });
      if (values.json) {
        for (const line of result.lines) console.log(JSON.stringify({ image: path, ...line }));
      } else {
        console.log(result.text);
      }
      console.error(
        `${positionals.length > 1 ? `${path}: ` : ''}${result.lines.length} lines, ${result.layout} layout, ${result.stats.totalMs} ms ` +
          `(detection ${result.stats.detectMs} ms in ${result.stats.windows} window(s), recognition ${result.stats.recognizeMs} ms, ${result.stats.provider})`,
      );
    }
    return 0;
  } finally {
    await engine.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof OcrError || error instanceof ImageError) {
      console.error(`${error.message}\n${error.hint}`);
      process.exit(1);
    }
    throw error;
  },
);
