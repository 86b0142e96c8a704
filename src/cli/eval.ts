// npm run eval -- [--model DIR] [--samples N] [--keep DIR]
// Scores a model package on the held-out synthetic set through the runtime, as the editor runs it: the set and
// the scoring come from python/infimm/train/evaluate.py, the answers from the runtime host. Two resolutions:
// a 1×1 grid (maxTiles 1: thumbnail + one tile) and the dynamic grid (maxTiles 16). Prints the table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RuntimeClient } from '../host/client.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PYTHON = process.env.INFIMM_PYTHON ?? '/usr/bin/python3';
const MODES = { single: 1, dynamic: 16 } as const;

interface Question {
  image: string;
  question: string;
}

function python(args: string[]): string {
  return execFileSync(PYTHON, ['-m', 'infimm.train.evaluate', ...args], {
    cwd: join(ROOT, 'python'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: resolve(ROOT, 'models', 'default') },
      samples: { type: 'string', default: '15' },
      keep: { type: 'string' },
    },
  });
  const dir = values.keep ? resolve(values.keep) : mkdtempSync(join(tmpdir(), 'infimm-eval-'));
  const client = new RuntimeClient({
    hostScript: resolve(ROOT, 'src', 'host', 'main.ts'),
    execArgv: ['--import', import.meta.resolve('tsx')],
    log: () => {},
  });
  try {
    python(['write-set', '--out', dir, '--samples', values.samples]);
    const questions = JSON.parse(readFileSync(join(dir, 'questions.json'), 'utf8')) as Question[];
    const answers: Record<string, Array<{ output: string; ended: boolean }>> = {};
    for (const [mode, maxTiles] of Object.entries(MODES)) {
      await client.configure({ modelDir: resolve(values.model), executionProvider: 'cpu', maxTiles, maxPixels: 10_000_000, threads: 1 });
      answers[mode] = [];
      for (const [n, q] of questions.entries()) {
        // One conversation per question: no answer sees another question.
        const result = await client.request({
          kind: 'ask',
          conversationId: `eval-${mode}-${n}`,
          image: { name: q.image, bytes: readFileSync(join(dir, q.image)) },
          question: q.question,
          options: { maxNewTokens: 12 },
        });
        if (result.kind !== 'ask') throw new Error(`unexpected ${result.kind} result`);
        answers[mode].push({ output: result.answer, ended: result.stats.stopReason === 'end' });
        await client.request({ kind: 'endConversation', conversationId: `eval-${mode}-${n}` });
      }
    }
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(answers));
    process.stdout.write(python(['score', '--set', dir, ...(values.keep ? ['--json', join(dir, 'scored.json')] : [])]));
    return 0;
  } finally {
    await client.dispose();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
