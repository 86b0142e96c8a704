import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CheckpointError, openCheckpoint } from '../../src/checkpoint/index.ts';
import { fixtures, tempDir } from './fixtures.ts';

const dir = tempDir();

/** Asserts a CheckpointError that names the file (and tensor) and says what went wrong. */
async function assertRefused(path: string, message: RegExp, tensor?: string): Promise<void> {
  await assert.rejects(openCheckpoint(path), (error: unknown) => {
    assert.ok(error instanceof CheckpointError, `a CheckpointError, got ${String(error)}`);
    assert.ok(error.message.includes(error.file), 'the message names the file');
    assert.match(error.message, message);
    assert.equal(error.tensor, tensor);
    return true;
  });
}

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A safetensors file from a header (an object, or raw text) and data bytes; `length` overrides the declared header length. */
function safetensors(name: string, header: object | string, data = new Uint8Array(16), length?: bigint): string {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(text.length));
  return write(name, Buffer.concat([prefix, text, data]));
}

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

test('a missing file, an empty file, a folder without weights and a file that is no checkpoint are refused clearly', async () => {
  await assertRefused(join(dir, 'nope.safetensors'), /not found: check the path/);
  await assertRefused(write('empty.bin', ''), /is empty \(0 bytes\)/);
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  write('folder/notes.txt', 'hello');
  await assertRefused(
    folder,
    /contains none of model\.safetensors\.index\.json, model\.safetensors, pytorch_model\.bin\.index\.json, pytorch_model\.bin/,
  );
  await assertRefused(write('readme.bin', 'This is a text file, not weights.\n'), /is not a checkpoint/);
  await assertRefused(write('image.pt', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')), /is not a checkpoint/);
});

test('safetensors headers are validated before any tensor is read', async () => {
  await assertRefused(
    safetensors('short.safetensors', {}, new Uint8Array(0), 1n << 40n),
    /declares a \d+-byte header in a \d+-byte file/,
  );
  await assertRefused(safetensors('json.safetensors', '{"a": {"dtype": "F32",'), /header is not valid JSON/);
  await assertRefused(safetensors('array.safetensors', '[1, 2]'), /is not a checkpoint/);
  await assertRefused(
    safetensors('dtype.safetensors', { w: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }),
    /dtype F8_E4M3, which this reader does not support/,
    'w',
  );
  await assertRefused(
    safetensors('shape.safetensors', { w: f32([2, 3], 0, 16) }),
    /needs 24 bytes but data_offsets span 16/,
    'w',
  );
  await assertRefused(
    safetensors('badshape.safetensors', { w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }),
    /invalid shape/,
    'w',
  );
  await assertRefused(
    safetensors('offsets.safetensors', { w: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }),
    /invalid data_offsets/,
    'w',
  );
  await assertRefused(
    safetensors('overlap.safetensors', { a: f32([3], 0, 12), b: f32([2], 8, 16) }),
    /overlaps tensor "a"/,
    'b',
  );
  await assertRefused(
    safetensors('beyond.safetensors', { a: f32([8], 0, 32) }),
    /lies past the end of the file .*truncated/,
    'a',
  );
  // The same file whole reads fine, so the checks above are what refused them.
  const good = await openCheckpoint(
    safetensors('good.safetensors', { __metadata__: { a: 'b' }, a: f32([2], 0, 8), b: f32([2], 8, 16) }),
  );
  assert.deepEqual(
    good.entries.map((e) => e.names),
    [['a'], ['b']],
  );
  await good.close();
});

test('a truncated or corrupt torch archive, a short or missing storage and a view past its storage are refused', async (t) => {
  await assertRefused(
    write('corrupt.pt', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)])),
    /is not a readable zip archive .*corrupt or truncated/,
  );
  const fx = fixtures(t);
  if (!fx) return;
  const plain = readFileSync(join(fx.dir, 'torch/plain.pt'));
  await assertRefused(
    write('half.pt', plain.subarray(0, plain.length >> 1)),
    /is not a readable zip archive .*corrupt or truncated/,
  );
  await assertRefused(
    join(fx.dir, 'bad/short_storage.pt'),
    /holds 16 bytes but 32 are declared: the file is truncated/,
    'w',
  );
  await assertRefused(join(fx.dir, 'bad/missing_storage.pt'), /its storage data\/0 is missing from the archive/, 'w');
  await assertRefused(
    join(fx.dir, 'bad/view_overflow.pt'),
    /its view reaches element 6 of storage 0, which holds 4/,
    'w',
  );
  // A truncated safetensors file: the last tensor's bytes are missing.
  const safe = readFileSync(join(fx.dir, 'safetensors/model.safetensors'));
  await assertRefused(
    write('cut.safetensors', safe.subarray(0, safe.length - 1)),
    /lies past the end of the file/,
    'u8',
  );
});

test('sharded indexes: a key missing from its shard, a missing shard and a shard outside the folder are refused', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const folder = join(dir, 'sharded');
  cpSync(join(fx.dir, 'safetensors/sharded'), folder, { recursive: true });
  const indexPath = join(folder, 'model.safetensors.index.json');
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { weight_map: Record<string, string> };
  const shard = index.weight_map.f32!;
  const edit = (weightMap: Record<string, string>) =>
    writeFileSync(indexPath, JSON.stringify({ weight_map: weightMap }));

  edit({ ...index.weight_map, ghost: shard });
  await assert.rejects(openCheckpoint(folder), (error: unknown) => {
    assert.ok(error instanceof CheckpointError);
    assert.equal(error.file, join(folder, shard));
    assert.equal(error.tensor, 'ghost');
    assert.ok(error.message.includes(indexPath), 'names the index too');
    assert.match(error.message, /missing from this shard/);
    return true;
  });
  edit({ ...index.weight_map, f32: 'model-00009-of-00009.safetensors' });
  await assertRefused(folder, /model-00009-of-00009\.safetensors: not found/);
  edit({ ...index.weight_map, f32: '../model.safetensors' });
  await assertRefused(folder, /is not a file name in the index's folder/);
  writeFileSync(indexPath, '{"weight_map": ');
  await assertRefused(folder, /is not valid JSON/);
});

test('reading a name the checkpoint lacks, or after close, is an error naming the tensor', async () => {
  const checkpoint = await openCheckpoint(safetensors('one.safetensors', { a: f32([4], 0, 16) }));
  await assert.rejects(
    checkpoint.readBytes('b'),
    (e: unknown) => e instanceof CheckpointError && e.tensor === 'b' && /is not in this checkpoint/.test(e.message),
  );
  await checkpoint.close();
  await assert.rejects(
    checkpoint.readFloat32('a'),
    (e: unknown) => e instanceof CheckpointError && /was closed/.test(e.message),
  );
});
