import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/checkpoint/index.ts';
import { assertGroupMatches, fixtures } from './fixtures.ts';

test('reads every dtype, special value and strided view of a torch.save archive as torch holds it', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const checkpoint = await openCheckpoint(join(fx.dir, 'torch/plain.pt'));
  try {
    assert.equal(checkpoint.format, 'torch-zip');
    assert.deepEqual(
      checkpoint.entries.flatMap((e) => e.names).sort(),
      Object.keys(fx.manifest.groups.tensors!).sort(),
    );
    await assertGroupMatches(checkpoint, fx, 'tensors');
    // Views of one storage with different offsets or strides are different tensors.
    for (const name of ['big', 'big_rows', 'big_window']) assert.deepEqual(checkpoint.entry(name)?.names, [name]);
  } finally {
    await checkpoint.close();
  }
});

test('reads ZIP64 archives, deflated storages and storages past 4 GiB', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const far = join(fx.dir, 'torch/far.pt');
  assert.ok((await stat(far)).size > 2 ** 32, 'far.pt puts its storages past 4 GiB');
  for (const file of ['zip64.pt', 'deflated.pt', 'far.pt']) {
    const checkpoint = await openCheckpoint(join(fx.dir, 'torch', file));
    try {
      await assertGroupMatches(checkpoint, fx, 'tensors');
    } finally {
      await checkpoint.close();
    }
  }
});

test('groups the aliased keys of a Flamingo-style state dict into one entry per tensor, in fp32, fp16 and bf16', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  for (const label of ['f32', 'f16', 'bf16']) {
    const checkpoint = await openCheckpoint(join(fx.dir, `torch/model_${label}.bin`));
    try {
      const groups = checkpoint.entries.map((e) => e.names).sort((a, b) => a[0]!.localeCompare(b[0]!));
      assert.deepEqual(groups, fx.manifest.aliases[label]);
      assert.ok(
        groups.some((names) => names.length === 2),
        'the fixture has aliases',
      );
      const alias = checkpoint.entry('lang_encoder.old_decoder_blocks.1.self_attn.q_proj.weight');
      assert.equal(alias, checkpoint.entry('lang_encoder.model.layers.1.decoder_layer.self_attn.q_proj.weight'));
      await assertGroupMatches(checkpoint, fx, `model_${label}`);
    } finally {
      await checkpoint.close();
    }
  }
});

test('flattens nested dicts with dot-joined keys and skips values that are not tensors', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const checkpoint = await openCheckpoint(join(fx.dir, 'torch/nested.pt'));
  try {
    assert.deepEqual(checkpoint.entries.flatMap((e) => e.names).sort(), Object.keys(fx.manifest.groups.nested!).sort());
    await assertGroupMatches(checkpoint, fx, 'nested');
  } finally {
    await checkpoint.close();
  }
});

test('opens sharded torch bins through their index, and a folder holding pytorch_model.bin', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const sharded = await openCheckpoint(join(fx.dir, 'torch/sharded'));
  try {
    assert.equal(sharded.format, 'torch-zip');
    assert.ok(new Set(sharded.entries.map((e) => e.file)).size > 1, 'tensors come from several shards');
    await assertGroupMatches(sharded, fx, 'tensors');
  } finally {
    await sharded.close();
  }
  const folder = await openCheckpoint(join(fx.dir, 'torch/folder'));
  try {
    assert.match(folder.entries[0]!.file, /pytorch_model\.bin$/);
    await assertGroupMatches(folder, fx, 'model_f32');
  } finally {
    await folder.close();
  }
});
