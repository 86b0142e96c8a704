// The training pipeline (python/infimm/data, python/infimm/train): generators deterministic by seed, the batched
// training forward equal to the reference model, and a few CPU training steps that lower the loss.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { hasPythonModule, PYTHON, requireOrSkip } from '../support/requirements.ts';

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
  assert.deepEqual(Object.keys(families).sort(), ['chart', 'code', 'corner', 'diagram', 'document', 'terminal', 'ui']);
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

test('batched training forward equals InfiMMHD.logits, and the image reaches only tokens after <image>', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const r = check<{ max_abs_diff: number; image_effect: number; before_image_diff: number; views: number[] }>('parity');
  assert.ok(r.max_abs_diff < 1e-9, `max |batched - reference| = ${r.max_abs_diff}`);
  assert.ok(r.image_effect > 1e-3, `swapping the image changed the logits by only ${r.image_effect}`);
  assert.equal(r.before_image_diff, 0);
  assert.ok(r.views[0]! > 2, 'the first image should be cut into several tiles');
});

test('a few training steps of a tiny model on toy data lower the held-out loss, with the IFT freeze schedule', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const dir = mkdtempSync(join(tmpdir(), 'infimm-train-'));
  try {
    const r = check<{ before: number; after: number; steps: number; vision_frozen: boolean; gates_moved: boolean }>('smoke', dir);
    assert.equal(r.steps, 10);
    assert.ok(r.after < r.before - 0.5, `loss ${r.before} -> ${r.after}`);
    assert.ok(r.vision_frozen, 'IFT must leave the ViT frozen');
    assert.ok(r.gates_moved, 'the zero-initialised gates must train');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
