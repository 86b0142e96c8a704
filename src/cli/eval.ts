// npm run eval -- [--model DIR] [--samples N] [--keep DIR] [--ocr-context auto|on|off] [--modes dynamic,single,no-ocr]
//                  [--checkpoint DIR] [--captures DIR]
// Scores a model package on the held-out synthetic set through the runtime, as the editor runs it: the set and
// the scoring come from python/infimm/train/evaluate.py, the answers from the runtime host. Modes: a 1×1 grid
// (maxTiles 1: thumbnail + one tile) and the dynamic grid (maxTiles 16), both with OCR context as
// --ocr-context says, and the ablation no-ocr: the dynamic grid without OCR context. Prints the table, and
// leaves each image's OCR lines in ocr.json for the ablations evaluate.py makes in PyTorch: given the package's
// checkpoint folder, the table also has the thumbnail alone and a blank image with the real image's OCR context.
// --captures adds held-out real workbench screenshots (scripts/capture-workbenches.ts --held-out) and their questions.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OcrContextMode } from '../common/protocol.ts';
import { RuntimeClient } from '../host/client.ts';
import { contextLines, type ContextLine } from '../tokens/ocr-context.ts';
import { commandLine, wholeNumber } from './command-line.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PYTHON = process.env.INFIMM_PYTHON ?? '/usr/bin/python3';
const MODES: Record<string, { maxTiles: number; ocrContext?: OcrContextMode }> = {
  single: { maxTiles: 1 },
  dynamic: { maxTiles: 16 },
  'no-ocr': { maxTiles: 16, ocrContext: 'off' },
};
const OCR_CONTEXT: readonly OcrContextMode[] = ['auto', 'on', 'off'];
const USAGE = `usage: npm run eval -- [--model DIR] [--samples N] [--keep DIR] [--ocr-context ${OCR_CONTEXT.join('|')}] [--modes ${Object.keys(MODES).join(',')}] [--checkpoint DIR] [--captures DIR]`;

interface Question {
  image: string;
  question: string;
  /** The longest answer that can score (descriptions and transcriptions are long). */
  max_tokens: number;
}

function python(args: string[]): string {
  return execFileSync(PYTHON, ['-m', 'infimm.train.evaluate', ...args], {
    cwd: join(ROOT, 'python'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function options() {
  return commandLine(
    {
      options: {
        model: { type: 'string', default: resolve(ROOT, 'models', 'default') },
        samples: { type: 'string', default: '12' },
        checkpoint: { type: 'string' },
        captures: { type: 'string' },
        keep: { type: 'string' },
        'ocr-context': { type: 'string', default: 'auto' },
        modes: { type: 'string', default: 'dynamic,single,no-ocr' },
      },
    },
    USAGE,
  );
}

async function main(): Promise<number> {
  const parsed = options();
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const ocrContext = values['ocr-context'] as OcrContextMode;
  const modes = values.modes.split(',');
  if (!OCR_CONTEXT.includes(ocrContext) || !modes.every((mode) => Object.hasOwn(MODES, mode))) {
    console.error(USAGE);
    return 2;
  }
  const samples = wholeNumber(values.samples, 'samples', 0, USAGE);
  if (samples === undefined) return 2;
  const dir = values.keep ? resolve(values.keep) : mkdtempSync(join(tmpdir(), 'infimm-eval-'));
  const client = new RuntimeClient({
    hostScript: resolve(ROOT, 'src', 'host', 'main.ts'),
    execArgv: ['--import', import.meta.resolve('tsx')],
    log: () => {},
  });
  try {
    python([
      'write-set',
      '--out',
      dir,
      '--samples',
      String(samples),
      ...(values.captures ? ['--captures', resolve(values.captures)] : []),
    ]);
    const questions = JSON.parse(readFileSync(join(dir, 'questions.json'), 'utf8')) as Question[];
    const answers: Record<string, Array<{ output: string; ended: boolean }>> = {};
    const ocr: Record<string, ContextLine[]> = {};
    for (const mode of modes) {
      const { maxTiles, ocrContext: modeContext = ocrContext } = MODES[mode]!;
      await client.configure({
        modelDir: resolve(values.model),
        executionProvider: 'cpu',
        maxTiles,
        maxPixels: 10_000_000,
        threads: 1,
        ocrContext: modeContext,
      });
      answers[mode] = [];
      for (const [n, q] of questions.entries()) {
        const image = { name: q.image, bytes: readFileSync(join(dir, q.image)) };
        // One conversation per question: no answer sees another question.
        const result = await client.request({
          kind: 'ask',
          conversationId: `eval-${mode}-${n}`,
          image,
          question: q.question,
          options: { maxNewTokens: q.max_tokens },
        });
        // A score of answers that silently went without their OCR context would mislead.
        if (result.stats.ocrContext?.state === 'failed')
          throw new Error(`OCR failed on ${q.image}: ${result.stats.ocrContext.error}`);
        answers[mode].push({ output: result.answer, ended: result.stats.stopReason === 'end' });
        await client.request({ kind: 'endConversation', conversationId: `eval-${mode}-${n}` });
        if (!Object.hasOwn(ocr, q.image)) {
          // The reading the answer's OCR context came from (the runtime caches it per image).
          const read = await client.request({ kind: 'ocr', image, layout: 'auto' });
          ocr[q.image] = contextLines(read.ocr.lines, true);
        }
      }
    }
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(answers));
    writeFileSync(join(dir, 'ocr.json'), JSON.stringify(ocr));
    const ablations = values.checkpoint ? ['--checkpoint', resolve(values.checkpoint)] : [];
    process.stdout.write(
      python(['score', '--set', dir, ...ablations, ...(values.keep ? ['--json', join(dir, 'scored.json')] : [])]),
    );
    return 0;
  } finally {
    await client.dispose();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
