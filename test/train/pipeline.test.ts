// The training pipeline (python/infimm/data, python/infimm/train): generators deterministic by seed, the simulated
// OCR and the OCR context of training examples, the batched training forward equal to the reference model, and
// the training run itself at toy size: every stage in one process, resumed, and under torchrun with 2 processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function check<T>(...args: string[]): T {
  const stdout = execFileSync(PYTHON, [join(import.meta.dirname, 'checks.py'), ...args], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout) as T;
}

const available = () => hasPythonModule('torch') && hasPythonModule('sentencepiece') && hasPythonModule('PIL');
const WHAT = 'python3-torch, python3-sentencepiece and python3-pil';

interface Fingerprint {
  digest: string;
  size: [number, number];
  questions: number;
  answers_nonempty: boolean;
}

test('generators: the same seed gives the same sample, another seed or the held-out split another', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const families = check<Record<string, Record<'first' | 'again' | 'other' | 'held_out', Fingerprint>>>('generators');
  assert.deepEqual(Object.keys(families).sort(), [
    'chart',
    'code',
    'corner',
    'diagram',
    'document',
    'form',
    'terminal',
    'ui',
    'workbench',
  ]);
  for (const [family, { first, again, other, held_out }] of Object.entries(families)) {
    assert.equal(again.digest, first.digest, family);
    assert.notEqual(other.digest, first.digest, family);
    assert.notEqual(held_out.digest, first.digest, family);
    for (const f of [first, other, held_out]) {
      assert.ok(f.questions >= 3 && f.answers_nonempty, `${family}: ${JSON.stringify(f)}`);
      assert.ok(Math.min(...f.size) >= 112, `${family} is smaller than one tile: ${f.size}`);
    }
  }
});

test('batched training forward equals InfiMMHD.logits, and the image reaches only tokens after <image>; the loss is the cross-entropy of all supervised logits', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const r = check<{
    max_abs_diff: number;
    image_effect: number;
    before_image_diff: number;
    views: number[];
    loss_diff: number;
    loss: number;
  }>('parity');
  assert.ok(r.max_abs_diff < 1e-9, `max |batched - reference| = ${r.max_abs_diff}`);
  assert.ok(r.image_effect > 1e-3, `swapping the image changed the logits by only ${r.image_effect}`);
  assert.equal(r.before_image_diff, 0);
  assert.ok(r.views[0]! > 2, 'the first image should be cut into several tiles');
  assert.ok(r.loss > 1 && r.loss_diff < 1e-12, `loss ${r.loss}, off by ${r.loss_diff}`);
});

test('simulated OCR: exact without noise, wrong somewhere with it; training examples carry the OCR context, real OCR lines from a pool', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-ocr-'));
  try {
    const r = check<{
      total: number;
      exact: number;
      noisy: number;
      with_context: number;
      position_answers: string[];
      copy: { turns: number[]; wrong: number; supervised_wrong: number };
      columns: [string, number][];
      workbench_blocks: number[];
      workbench_lines: string[];
      workbench_numbers: [string, number][];
      transcription_has_title: boolean;
      pool_context: string;
      pooled_rows: number;
      row_250: [boolean, boolean];
      lookups: [string, string][];
    }>('ocr', dir);
    assert.deepEqual(r.position_answers, ['Save']);
    assert.deepEqual(r.lookups, [
      ['What is on line 7?', 'return x;'],
      ['What is the text at [0,0]?', 'File'],
      ['What is the text at [3,1]?', '8: y'],
    ]);
    assert.deepEqual(r.columns, [
      ['a b', 0],
      ['d', 0],
      ['c', 1],
      ['e', 1],
    ]);
    // The workbench's blocks come one after another, the Explorer's ahead of the code's; 7 panes, tabs cut apart.
    const block = (text: string) => r.workbench_blocks[r.workbench_lines.indexOf(text)]!;
    assert.deepEqual(
      r.workbench_blocks,
      [...r.workbench_blocks].sort((a, b) => a - b),
    );
    assert.ok(
      block('EXPLORER') < block('labelUser.json') &&
        block('labelUser.json') < block('func HandleDetect(text int) int {'),
    );
    assert.ok(new Set(r.workbench_blocks).size >= 7, `${r.workbench_blocks}`);
    // Its code rows, and only they, carry the gutter's numbers, 1 to n from the top down.
    assert.deepEqual(r.workbench_numbers[0], ['func HandleDetect(text int) int {', 1]);
    assert.deepEqual(
      r.workbench_numbers.map(([, n]) => n),
      r.workbench_numbers.map((_, i) => i + 1),
    );
    // The copy drill: 3 to 6 lookups where the context has that many uniquely placed lines (a code view's
    // context may have fewer), each the one line at its position, the loss on exactly those answers.
    assert.ok(
      r.copy.turns.every((n) => n <= 6) && r.copy.turns.filter((n) => n >= 3).length > r.copy.turns.length * 0.8,
      `${r.copy.turns}`,
    );
    assert.deepEqual([r.copy.wrong, r.copy.supervised_wrong], [0, 0]);
    assert.equal(r.exact, r.total);
    assert.ok(r.noisy > r.total / 2, `only ${r.noisy} of ${r.total} noisy readings differ from the truth`);
    // 85% of short-question conversations have the context: 40 draws land well inside (20, 40).
    assert.ok(r.with_context > 20 && r.with_context < 40, `${r.with_context} of 40 examples with OCR context`);
    assert.ok(r.transcription_has_title);
    // A real-OCR pool's lines become the context as read ([row,col] of their boxes), for about a fifth of a batch.
    assert.equal(r.pool_context, 'Text in the image:\n[0,0] Read by OCR\n');
    assert.ok(r.pooled_rows > 0 && r.pooled_rows < 20, `${r.pooled_rows} of 40 samples from the pool`);
    // A conversation's context is made for its first question: row 250 of a full editor, left out of the
    // budget otherwise, is there when that question names it.
    assert.deepEqual(r.row_250, [false, true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Smoke {
  before: number;
  after: number;
  stages: string[];
  steps: number[];
  gates_start: number[];
  gates: number[];
  ocr_context: { max_tokens: number; line_numbers: boolean } | null;
  resumed_same: boolean;
  continued: {
    stages: string[];
    samples: number;
    same_tokenizer: boolean;
    changed: boolean;
    after: number;
    shares: number[];
    default_stages: string[];
    unknown_stage: string | null;
  };
  new_vocab: {
    sizes: number[];
    rows: number[];
    fresh: number;
    kept_equal: boolean;
    added_equal: boolean;
    fresh_is_mean_of_spelling: boolean;
    others_equal: boolean;
  };
}

test('the training run at toy size: every stage, lower held-out loss, gates open and moving, resumable, continued, with a new vocabulary', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-train-'));
  try {
    const r = check<Smoke>('smoke', dir);
    assert.deepEqual(r.stages, ['pt', 'cpt', 'dra', 'ift']);
    assert.deepEqual(r.steps, [6, 6, 6, 6]);
    assert.ok(r.after < r.before - 0.5, `loss ${r.before} -> ${r.after}`);
    assert.ok(
      r.gates_start.every((g) => g > 0.4),
      `gates start open: ${r.gates_start}`,
    );
    assert.notDeepEqual(r.gates, r.gates_start, 'the gates must train');
    assert.deepEqual(r.ocr_context, { max_tokens: 512, line_numbers: true });
    assert.ok(r.resumed_same, 'a rerun of a finished run must give the same model');
    // --init CHECKPOINT --stages ift,copy,dra: the trained weights and tokenizer go on training in those stages
    // only, the copy drill first and the rest in the recipe's order; the copy drill is never a default stage.
    assert.deepEqual(r.continued.stages, ['copy', 'dra', 'ift']);
    assert.deepEqual(r.continued.default_stages, ['pt', 'cpt', 'dra', 'ift']);
    assert.equal(r.continued.samples, 3 * 3 * 8);
    assert.ok(r.continued.same_tokenizer && r.continued.changed);
    assert.ok(
      r.continued.after < r.before - 0.5,
      `a continued model starts trained: ${r.before} -> ${r.continued.after}`,
    );
    assert.ok(
      Math.abs(r.continued.shares[0]! + r.continued.shares[1]! - 1) < 1e-9 &&
        r.continued.shares[0]! < r.continued.shares[1]!,
    );
    assert.match(r.continued.unknown_stage ?? '', /unknown stages \['sft'\]/);
    // --new-vocab: a vocabulary of 450 pieces for the checkpoint's 400; shared pieces keep their rows, a new one
    // starts as the mean of its old spelling, <|endofchunk|> and <image> move to the new ids, the rest is unchanged.
    const v = r.new_vocab;
    assert.deepEqual([v.sizes, v.rows[0]], [[402, 452], 452]);
    assert.ok(v.fresh >= 50, `${v.fresh} new pieces`);
    assert.ok(v.kept_equal && v.added_equal && v.fresh_is_mean_of_spelling && v.others_equal, JSON.stringify(v));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same run under torchrun: 2 processes (DistributedDataParallel over gloo) share each batch', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-ddp-'));
  try {
    // --standalone: a free rendezvous port. --redirects/--tee 1: Debian's torchrun 1.13 on Python 3.11 cannot
    // parse its default of 0.
    execFileSync(
      PYTHON,
      [
        '-m',
        'torch.distributed.run',
        '--standalone',
        '--nproc_per_node=2',
        '--redirects',
        '1',
        '--tee',
        '1',
        '-m',
        'infimm.train.pipeline',
        '--out',
        dir,
        '--preset',
        'tiny',
        '--steps',
        '2',
        '--vocab',
        '400',
      ],
      {
        cwd: join(ROOT, 'python'),
        env: { ...process.env, OMP_NUM_THREADS: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Array<{
      stage: string;
      steps: number;
      samples_total: number;
    }>;
    assert.deepEqual(
      summary.map((s) => s.stage),
      ['pt', 'cpt', 'dra', 'ift'],
    );
    assert.equal(summary.at(-1)!.samples_total, 4 * 2 * 8, 'each step consumes one whole batch across both processes');
    assert.ok(existsSync(join(dir, 'checkpoint', 'pytorch_model.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
