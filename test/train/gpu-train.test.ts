// The GPU training run rehearsed on the CPU: scripts/gpu/prepare-train.sh and scripts/gpu/train.sh themselves, at
// toy size (tiny preset, 2 steps a stage, 2 DataLoader workers, the carried fonts), with the output layout the
// device tool brings back ($OUT: at most 8 files of at most 16 MiB, 2 folders deep); the export assembled into
// a checkpoint folder that load_reference and the converter read, equal to the trained weights in bf16; the
// DataLoader workers' batches equal to the in-process ones; the base preset's export at full size.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { convert } from '../../src/convert/convert.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MiB = 1024 * 1024;

function check<T>(...args: string[]): T {
  const stdout = execFileSync(PYTHON, [join(import.meta.dirname, 'gpu_train_checks.py'), ...args], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout) as T;
}

const available = () =>
  hasPythonModule('torch') &&
  hasPythonModule('sentencepiece') &&
  hasPythonModule('PIL') &&
  hasPythonModule('matplotlib');
const WHAT = 'python3-torch, python3-sentencepiece, python3-pil and python3-matplotlib';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

test('DataLoader workers render the same batches as the in-process make_batch, views normalised alike', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-loader-'));
  try {
    const r = check<Record<string, { same: boolean; views: number }>>('loader', dir);
    assert.deepEqual(Object.keys(r), ['pt', 'cpt', 'dra', 'ift']);
    for (const [stage, { same, views }] of Object.entries(r)) {
      assert.ok(same, `${stage}: the workers' batches differ from make_batch's`);
      assert.ok(views >= 15, `${stage}: ${views} views`);
    }
    assert.ok(r.dra!.views > r.cpt!.views, 'the dynamic grid must give more views than the 1×1 grid');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scripts/gpu/train.sh at toy size on the CPU: the device-tool layout, the log, an export that assembles and converts', async (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-gpu-train-'));
  try {
    const carry = join(dir, 'carry');
    const out = join(dir, 'out');
    const work = join(dir, 'work');
    mkdirSync(out);
    const env = { ...process.env, INFIMM_PYTHON: PYTHON, OMP_NUM_THREADS: '1' };
    execFileSync('bash', [join(ROOT, 'scripts/gpu/prepare-train.sh'), carry], {
      env: { ...env, VOCAB: '400', VOCAB_SAMPLES: '8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    execFileSync('bash', [join(ROOT, 'scripts/gpu/train.sh')], {
      env: {
        ...env,
        OUT: out,
        WORK: work,
        CARRY: carry,
        PYTHON,
        DEVICE: 'cpu',
        PRESET: 'tiny',
        STEPS: '2',
        WORKERS: '2',
        BATCH: '8',
        HELDOUT: '1',
        LOG_EVERY: '1',
        PREFLIGHT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const seconds = (Date.now() - started) / 1000;

    // What the device tool brings back: ≤ 8 files, each ≤ 16 MiB, ≤ 64 MiB in all, at most 2 folders down, plain names.
    const files = filesUnder(out).map((f) => relative(out, f));
    assert.ok(files.length <= 8, `${files.length} files: ${files}`);
    for (const f of files) {
      assert.ok(statSync(join(out, f)).size <= 16 * MiB, `${f} is over 16 MiB`);
      assert.ok(f.split('/').length <= 3, `${f} is too deep`);
      assert.ok(
        f.split('/').every((part) => /^[A-Za-z0-9._-]+$/.test(part)),
        `${f} has a name the tool refuses`,
      );
    }
    assert.ok(files.reduce((sum, f) => sum + statSync(join(out, f)).size, 0) <= 64 * MiB);
    const shards = files.filter((f) => /^model\/model-\d{5}-of-\d{5}\.safetensors$/.test(f));
    assert.ok(shards.length >= 1, `no shards in ${files}`);
    assert.deepEqual(files.filter((f) => !shards.includes(f)).sort(), [
      'log.txt',
      'model/config.json',
      'model/model.safetensors.index.json',
      'model/tokenizer.model',
    ]);

    const log = readFileSync(join(out, 'log.txt'), 'utf8');
    assert.match(log, new RegExp(`fonts: ${carry}/fonts \\(9 files\\)`));
    assert.match(log, /^pt step 1 loss [\d.]+ .* [\d.]+ samples\/s$/m);
    for (const stage of ['pt', 'cpt', 'dra', 'ift'])
      assert.match(log, new RegExp(`"stage": "${stage}", "steps": 2, "batch": 8, .*"samples_per_second": [\\d.]+`));
    assert.match(
      log,
      /^held-out short answers: [\d.]+% exact \(\d+\/\d+, 1 samples per family, simulated OCR context\)/m,
    );
    assert.match(log, /^== 64 training images rendered and trained on in \d+ s/m);
    assert.match(log, /^== exit 0 after \d+ s/m);
    const index = JSON.parse(readFileSync(join(out, 'model/model.safetensors.index.json'), 'utf8')) as {
      metadata: Record<string, number>;
    };
    assert.equal(index.metadata.samples, 64);
    assert.equal(index.metadata.stages_done, 4);

    // The shards back into the pipeline's checkpoint folder: load_reference reads it, the weights are the trained
    // ones in bf16, and the converter makes a package of it.
    const checkpoint = join(dir, 'checkpoint');
    execFileSync(
      PYTHON,
      ['-m', 'infimm.train.export', 'assemble', '--shards', join(out, 'model'), '--out', checkpoint],
      {
        cwd: join(ROOT, 'python'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    assert.deepEqual(readdirSync(checkpoint).sort(), ['config.json', 'pytorch_model.bin', 'tokenizer.model']);
    const r = check<{ equal: boolean; tensors: number; rounded: number; mixed_refused: string; dtype: string }>(
      'export',
      checkpoint,
      join(work, 'run', 'checkpoint'),
    );
    assert.ok(r.equal, 'the assembled weights must equal the trained ones rounded to bf16');
    assert.ok(r.rounded > r.tensors / 2, `only ${r.rounded} of ${r.tensors} tensors changed by bf16 rounding`);
    assert.match(r.mixed_refused, /from another export/);
    const manifest = await convert(checkpoint, join(dir, 'package'), { precision: 'fp16' });
    assert.deepEqual(manifest.prompt.ocrContext, { maxTokens: 512, lineNumbers: true });
    assert.ok(existsSync(join(dir, 'package', 'decoder.onnx')));
    t.diagnostic(`train.sh at toy size: ${seconds.toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the base preset (the GPU run) exports in bf16 shards the device tool brings back: ≤ 16 MiB each, 6 files', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-base-export-'));
  try {
    const r = check<{ parameters: number; files: Record<string, number>; listed: string[]; exact: boolean }>(
      'base',
      dir,
    );
    assert.ok(
      r.parameters > 15e6 && r.parameters < 20e6,
      `${r.parameters} parameters: the fp16 package must stay ≤ 40 MB`,
    );
    assert.deepEqual(Object.keys(r.files), r.listed, 'the export holds exactly the files it wrote');
    // With log.txt beside them, 7 of the 8 files the tool brings back.
    assert.equal(Object.keys(r.files).length, 6);
    for (const [name, size] of Object.entries(r.files)) assert.ok(size <= 16 * MiB, `${name}: ${size} bytes`);
    assert.ok(r.exact, 'the shards read back must be the weights in bf16');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
