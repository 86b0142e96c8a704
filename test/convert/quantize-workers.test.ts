// Quantisation spread over worker threads writes exactly the bytes one thread writes, whatever the shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantize, type QuantBits } from '../../src/onnx/quantize.ts';
import { QuantizeWorkers } from '../../src/onnx/quantize-workers.ts';

/** Reproducible weights with a spread of magnitudes and signs (a few rows all positive or all zero). */
function weights(n: number, k: number, seed: number): Float32Array {
  const w = new Float32Array(n * k);
  let state = seed;
  for (let i = 0; i < w.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    w[i] = ((state / 2 ** 32) * 2 - 1) * (1 + (i % 7));
  }
  w.fill(0.5, 0, k);
  w.fill(0, k, 2 * k);
  return w;
}

test('quantising over 1, 2 and 3 threads gives byte-identical results', async () => {
  // Rows that split unevenly across threads; K that ends in a partial block; one weight below the split threshold.
  const shapes: Array<[number, number]> = [
    [515, 512],
    [300, 1000],
    [3, 90_000],
    [64, 64],
  ];
  const pools = await Promise.all([2, 3].map((threads) => QuantizeWorkers.start(threads)));
  try {
    for (const [n, k] of shapes) {
      for (const bits of [4, 8] as QuantBits[]) {
        const w = weights(n, k, n + k + bits);
        const expected = quantize(w, n, k, bits, 32);
        for (const pool of pools) {
          const got = pool.quantize(w, n, k, bits, 32);
          assert.deepEqual(Object.keys(got), Object.keys(expected));
          assert.equal(got.n, n);
          for (const [key, value] of Object.entries(expected)) {
            const actual = (got as unknown as Record<string, unknown>)[key];
            if (ArrayBuffer.isView(value))
              assert.ok(
                Buffer.from(value.buffer, value.byteOffset, value.byteLength).equals(
                  Buffer.from(
                    (actual as Uint8Array).buffer,
                    (actual as Uint8Array).byteOffset,
                    (actual as Uint8Array).byteLength,
                  ),
                ),
                `${key} differs for ${n}×${k} int${bits} on ${pool.threads} threads`,
              );
            else assert.equal(actual, value, key);
          }
        }
      }
    }
    // Every weight above the threshold was split: the bands were really quantised elsewhere.
    for (const pool of pools) assert.equal(pool.splitWeights, 2 * 3);
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
});

test('a weight in shared memory is quantised by the workers as by one thread, and left as it was', async () => {
  const [n, k] = [515, 512];
  const w = weights(n, k, 5);
  const shared = new Float32Array(new SharedArrayBuffer(w.byteLength));
  shared.set(w);
  const expected = quantize(w, n, k, 4, 32);
  const pool = await QuantizeWorkers.start(2);
  try {
    const got = pool.quantize(shared, n, k, 4, 32);
    assert.deepEqual(got.packed, expected.packed);
    assert.deepEqual(got.scales, expected.scales);
    assert.equal(pool.splitWeights, 1);
    assert.deepEqual(shared, w, 'the weight is still there, unchanged');
  } finally {
    await pool.close();
  }
});
