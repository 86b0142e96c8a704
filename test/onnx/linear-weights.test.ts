// The weight pass stores a Linear weight given as blocks of rows (q, k and v; gate and up) exactly as the same
// weight given whole, in every precision, and its tiled transpose is the plain one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WeightPrecision } from '../../src/common/precision.ts';
import { transpose, weightPass, type StoredLinear } from '../../src/onnx/linear-weights.ts';

function weights(n: number, k: number): Float32Array {
  return Float32Array.from({ length: n * k }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5)));
}

const bytes = (stored: StoredLinear): Buffer[] =>
  stored.kind === 'matmul'
    ? [Buffer.from(stored.transposed.buffer)]
    : [Buffer.from(stored.quantized.packed), Buffer.from(stored.quantized.scales.buffer)];

test('a weight in blocks of rows is stored as the whole weight, in every precision', () => {
  // K not a multiple of the quantisation block nor of the transpose's tile; blocks of uneven rows.
  const [n, k] = [70, 45];
  const w = weights(n, k);
  const parts = [w.subarray(0, 33 * k), w.subarray(33 * k, 40 * k), w.subarray(40 * k)];
  for (const precision of ['fp32', 'fp16', 'int8', 'int4'] as WeightPrecision[]) {
    const pass = weightPass(precision);
    const whole = pass.linear([w], n, k);
    const inParts = pass.linear(parts, n, k);
    assert.equal(inParts.kind, whole.kind);
    assert.deepEqual(bytes(inParts), bytes(whole), precision);
    if (inParts.kind === 'blocks') assert.equal(inParts.quantized.n, n);
  }
});

test('the tiled transpose is the plain one', () => {
  for (const [rows, cols] of [
    [1, 1],
    [32, 32],
    [33, 65],
    [100, 7],
  ] as const) {
    const w = weights(rows, cols);
    const plain = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) plain[c * rows + r] = w[r * cols + c]!;
    assert.deepEqual(transpose(w, rows, cols), plain, `${rows}×${cols}`);
  }
});
