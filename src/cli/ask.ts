// npm run ask -- <image> "<question>" [--model DIR] [--ep NAME] [--max-tokens N] [--threads N] [--max-tiles N] [--ocr-context MODE]
// Streams the answer, then prints one stats line. The model runs in the runtime host process, as in the editor.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ExecutionProviderName, OcrContextMode } from '../common/protocol.ts';
import { RuntimeClient, RuntimeRequestError } from '../host/client.ts';
import { statsLine } from '../common/stats.ts';
import { commandLine, wholeNumber } from './command-line.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PROVIDERS: readonly ExecutionProviderName[] = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'];
const OCR_CONTEXT: readonly OcrContextMode[] = ['auto', 'on', 'off'];
const USAGE = `usage: npm run ask -- <image> "<question>" [--model DIR] [--ep ${PROVIDERS.join('|')}] [--max-tokens N] [--max-tiles N] [--threads N] [--ocr-context ${OCR_CONTEXT.join('|')}] [--verbose]`;

async function main(): Promise<number> {
  const parsed = commandLine(
    {
      allowPositionals: true,
      options: {
        model: { type: 'string', default: resolve(ROOT, 'models', 'default') },
        ep: { type: 'string', default: 'auto' },
        'max-tokens': { type: 'string', default: '256' },
        'max-tiles': { type: 'string', default: '16' },
        threads: { type: 'string', default: '0' },
        'ocr-context': { type: 'string', default: 'auto' },
        verbose: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [image, question] = positionals;
  const ep = values.ep as ExecutionProviderName;
  const ocrContext = values['ocr-context'] as OcrContextMode;
  if (!image || !question || !PROVIDERS.includes(ep) || !OCR_CONTEXT.includes(ocrContext)) {
    console.error(USAGE);
    return 2;
  }
  const maxTokens = wholeNumber(values['max-tokens'], 'max-tokens', 1, USAGE);
  const maxTiles = wholeNumber(values['max-tiles'], 'max-tiles', 1, USAGE);
  const threads = wholeNumber(values.threads, 'threads', 0, USAGE);
  if (maxTokens === undefined || maxTiles === undefined || threads === undefined) return 2;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(image);
  } catch (error) {
    console.error(`cannot read ${image}: ${(error as Error).message}`);
    return 1;
  }
  const client = new RuntimeClient({
    hostScript: resolve(ROOT, 'src', 'host', 'main.ts'),
    execArgv: ['--import', import.meta.resolve('tsx')],
    log: (line) => values.verbose && console.error(line),
  });
  try {
    await client.configure({
      modelDir: resolve(values.model),
      executionProvider: ep,
      maxTiles,
      maxPixels: 100_000_000,
      threads,
      ocrContext,
    });
    const result = await client.request(
      {
        kind: 'ask',
        conversationId: 'cli',
        image: { name: basename(image), bytes },
        question,
        options: { maxNewTokens: maxTokens },
      },
      { onText: (text) => process.stdout.write(text) },
    );
    process.stdout.write('\n');
    console.log(statsLine(result.stats));
    return 0;
  } catch (error) {
    if (error instanceof RuntimeRequestError) {
      console.error(`${error.info.message}${error.info.hint ? ` ${error.info.hint}` : ''}`);
      return 1;
    }
    throw error;
  } finally {
    await client.dispose();
  }
}

process.exitCode = await main();
