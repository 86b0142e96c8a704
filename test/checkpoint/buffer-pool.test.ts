// The converter reads tensors into reused buffers: each reads back as torch holds it even when its buffer held
// another tensor before, and the pool hands out the smallest buffer that fits.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BufferPool, type BufferSource, openCheckpoint } from '../../src/checkpoint/index.ts';
import { assertGroupMatches, fixtures } from './fixtures.ts';

test('a buffer given back is taken again by the smallest request it fits; other arrays are ignored', () => {
  const pool = new BufferPool(16);
  assert.ok(!(pool.take(8) instanceof SharedArrayBuffer), 'small requests get new, unpooled buffers');
  const big = pool.take(400);
  const small = pool.take(100);
  pool.give([new Float32Array(big), new Float32Array(small, 0, 5), new Float32Array(100)]);
  pool.give([new Uint8Array(small)]);
  assert.equal(pool.take(90), small, 'best fit');
  assert.equal(pool.take(90), big, 'the only free one that fits');
  assert.notEqual(pool.take(90), small, 'each buffer was given back once');
  pool.give([new Uint8Array(big), new Uint8Array(small)]);
  const larger = pool.take(500);
  assert.ok(larger.byteLength >= 500 && larger !== big);
  // Free buffers smaller than a request none fits are dropped.
  assert.notEqual(pool.take(100), small);
});

test('tensors read into reused buffers that held other bytes read back exactly', async (t) => {
  const fx = fixtures(t);
  if (!fx) return;
  const pool = new BufferPool(0);
  const taken: ArrayBufferLike[] = [];
  // Every buffer filled with a pattern first, and given back after each read: nothing of it may survive a read.
  const dirty: BufferSource = {
    take(bytes) {
      const buffer = pool.take(bytes);
      new Uint8Array(buffer).fill(0xa5);
      taken.push(buffer);
      return buffer;
    },
  };
  for (const [file, group] of [
    ['plain.pt', 'tensors'],
    ['deflated.pt', 'tensors'],
    ['model_bf16.bin', 'model_bf16'],
    ['model_f16.bin', 'model_f16'],
  ] as const) {
    const checkpoint = await openCheckpoint(join(fx.dir, 'torch', file));
    try {
      const giveBack: BufferSource = {
        take(bytes) {
          pool.give(taken.splice(0).map((b) => new Uint8Array(b)));
          return dirty.take(bytes);
        },
      };
      await assertGroupMatches(checkpoint, fx, group, '', giveBack);
    } finally {
      await checkpoint.close();
    }
  }
});
