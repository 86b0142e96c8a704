// The streaming checkpoint writer (python/infimm/stream_checkpoint.py): a small checkpoint written by the same code
// that writes the released size reads back in torch exactly as meant (keys, order, bf16, shapes, values, aliases,
// aligned records) and converts; the released size's archive is the expected ~36 GB (a dry run, nothing written);
// the writer's weight scales keep activations finite through the released depths.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { convert } from '../../src/convert/convert.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';
import { testTokenizerModel } from '../../harness/tokenizer-model.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ENV = { ...process.env, PYTHONPATH: join(ROOT, 'python') };

function check<T>(...args: string[]): T {
  const stdout = execFileSync(PYTHON, [join(import.meta.dirname, 'stream_checks.py'), ...args], {
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout) as T;
}

const available = () => hasPythonModule('torch') && hasPythonModule('sentencepiece');
const WHAT = 'python3-torch and python3-sentencepiece';

interface Readback {
  keys: number;
  loaded_keys: number;
  key_order_kept: boolean;
  storages: number;
  aliased_keys: number;
  rotary_keys: number;
  mismatched: string[];
  wrong_alias: string[];
  unaligned: string[];
  records: string[];
  file_bytes: number;
  predicted_bytes: number;
  added_tokens: Record<string, number>;
  vocab: number;
}

test(
  'a small checkpoint from the streaming writer reads back in torch exactly as written, and converts',
  { timeout: 20 * 60_000 },
  async (t) => {
    if (!requireOrSkip(t, available(), WHAT)) return;
    const dir = mkdtempSync(join(tmpdir(), 'infimm-stream-'));
    try {
      const checkpoint = join(dir, 'checkpoint');
      const args = [
        '-m',
        'infimm.stream_checkpoint',
        '--size',
        'tiny',
        '--tokenizer',
        await testTokenizerModel(),
        '--out',
        checkpoint,
        '--prefix',
        'model.',
        '--seed',
        '3',
      ];
      execFileSync(PYTHON, args, { env: ENV, stdio: ['ignore', 'ignore', 'inherit'] });
      const r = check<Readback>('readback', checkpoint, 'tiny', 'model.', '3');
      assert.deepEqual([r.mismatched, r.wrong_alias, r.unaligned], [[], [], []]);
      assert.equal(r.loaded_keys, r.keys);
      assert.ok(r.key_order_kept);
      // Tiny: 8 decoder layers (each aliased under old_decoder_blocks, with its rotary buffer), 2 gated blocks (aliased too).
      assert.equal(r.rotary_keys, 2 * 8);
      assert.ok(r.aliased_keys > 8 * 10, `${r.aliased_keys} aliased keys`);
      assert.deepEqual(r.records, ['pytorch_model/data.pkl', 'pytorch_model/version']);
      assert.equal(r.file_bytes, r.predicted_bytes, 'the dry run predicts the written size');
      assert.deepEqual(r.added_tokens, { '<|endofchunk|>': r.vocab - 2, '<image>': r.vocab - 1 });

      const manifest = await convert(checkpoint, join(dir, 'package'), { precision: 'int4' });
      assert.equal(manifest.architecture.language.layers, 8);
      assert.deepEqual(manifest.architecture.crossAttention.decoderLayers, [3, 7]);
      assert.equal(manifest.tokens.image, r.vocab - 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'at the released size the writer would write one ~36 GB archive of 18.0B bf16 parameters',
  { timeout: 10 * 60_000 },
  (t) => {
    if (!requireOrSkip(t, available(), WHAT)) return;
    const r = check<{
      archive_bytes: number;
      storage_bytes: number;
      parameters: number;
      keys: number;
      storages: number;
    }>('released');
    assert.equal(r.storage_bytes, 2 * r.parameters, 'storages hold every parameter and buffer once, in bf16');
    const overhead = r.archive_bytes - r.storage_bytes;
    assert.ok(overhead > 0 && overhead < 1e6, `${overhead} bytes of pickle, headers and padding`);
    assert.ok(Math.abs(r.archive_bytes - 36.0e9) < 0.1e9, `${r.archive_bytes} bytes`);
    // Aliases: the 40 decoder layers (9 tensors + the rotary buffer each) and the 10 gated blocks (11 tensors each).
    assert.equal(r.keys - r.storages, 40 * 10 + 10 * 11);
  },
);

test(
  "the writer's weight scales keep activations finite through the released depths (64 ViT blocks, 40 layers)",
  { timeout: 10 * 60_000 },
  (t) => {
    if (!requireOrSkip(t, available(), WHAT)) return;
    const r = check<{
      features_finite: boolean;
      features_std: number;
      logits_finite: boolean;
      logits_std: number;
      top2_margin_median: number;
    }>('depth');
    assert.ok(r.features_finite && r.logits_finite);
    assert.ok(r.features_std < 100, `vision features std ${r.features_std}`);
    assert.ok(r.logits_std > 0.5 && r.logits_std < 50, `logits std ${r.logits_std}`);
    t.diagnostic(
      `features std ${r.features_std.toFixed(2)}, logits std ${r.logits_std.toFixed(2)}, median top-2 margin ${r.top2_margin_median.toFixed(3)}`,
    );
  },
);
