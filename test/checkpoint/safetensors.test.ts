import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/checkpoint/index.ts';
import { assertGroupMatches, fixtures } from './fixtures.ts';

test('reads a single safetensors file as torch wrote it, ignoring __metadata__', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const checkpoint = await openCheckpoint(join(fx.dir, 'safetensors/model.safetensors'));
  try {
    assert.equal(checkpoint.format, 'safetensors');
    assert.deepEqual(
      checkpoint.entries.flatMap((e) => e.names).sort(),
      Object.keys(fx.manifest.groups.tensors!).sort(),
    );
    assert.equal(checkpoint.entry('__metadata__'), undefined);
    await assertGroupMatches(checkpoint, fx, 'tensors');
  } finally {
    await checkpoint.close();
  }
});

test('reads a sharded safetensors folder, each tensor from the shard its index names', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const folder = join(fx.dir, 'safetensors/sharded');
  const index = JSON.parse(readFileSync(join(folder, 'model.safetensors.index.json'), 'utf8')) as {
    weight_map: Record<string, string>;
  };
  const checkpoint = await openCheckpoint(folder);
  try {
    for (const entry of checkpoint.entries) assert.equal(basename(entry.file), index.weight_map[entry.names[0]!]);
    assert.ok(new Set(Object.values(index.weight_map)).size > 1);
    await assertGroupMatches(checkpoint, fx, 'tensors');
  } finally {
    await checkpoint.close();
  }
});

test('the same tensors saved by torch.save and as safetensors read back identical', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const torch = await openCheckpoint(join(fx.dir, 'torch/plain.pt'));
  const safe = await openCheckpoint(join(fx.dir, 'safetensors/model.safetensors'));
  try {
    assert.equal(safe.entries.length, torch.entries.length);
    for (const entry of torch.entries) {
      const name = entry.names[0]!;
      const other = safe.entry(name);
      assert.deepEqual({ ...other, file: '' }, { ...entry, file: '' }, name);
      assert.deepEqual(await safe.readBytes(name), await torch.readBytes(name), name);
      assert.deepEqual(await safe.readFloat32(name), await torch.readFloat32(name), name);
    }
  } finally {
    await Promise.all([torch.close(), safe.close()]);
  }
});
