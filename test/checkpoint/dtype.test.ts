import assert from 'node:assert/strict';
import { getFloat16 } from '@petamoriken/float16';
import { test } from 'node:test';
import { toFloat32 } from '../../src/checkpoint/index.ts';

/** Every 16-bit pattern, so each F16 and BF16 value (NaNs, infinities, subnormals, -0) is converted once. */
function allHalfPatterns(): Uint8Array {
  return new Uint8Array(Uint16Array.from({ length: 65536 }, (_, i) => i).buffer);
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

test('F16 and BF16 widen to float32 bit-exactly, in place or into a new buffer, aligned or not', () => {
  const patterns = allHalfPatterns();
  const view = new DataView(patterns.buffer);
  const f16 = Float32Array.from({ length: 65536 }, (_, i) => getFloat16(view, 2 * i, true));
  const bf16 = Uint32Array.from({ length: 65536 }, (_, i) => i << 16);
  for (const [dtype, expected] of [
    ['F16', bitsOf(f16)],
    ['BF16', bf16],
  ] as const) {
    assert.deepEqual(bitsOf(toFloat32(patterns.slice(), dtype)), expected, `${dtype} into a new buffer`);
    const roomy = new Uint8Array(new ArrayBuffer(4 * 65536), 0, 2 * 65536);
    roomy.set(patterns);
    const widened = toFloat32(roomy, dtype);
    assert.equal(widened.buffer, roomy.buffer, `${dtype} widens in place`);
    assert.deepEqual(bitsOf(widened), expected, `${dtype} in place`);
    const misaligned = new Uint8Array(2 * 65536 + 1).subarray(1);
    misaligned.set(patterns);
    assert.deepEqual(bitsOf(toFloat32(misaligned, dtype)), expected, `${dtype} from an odd offset`);
  }
});

test('integer, bool and F64 tensors convert to the nearest float32', () => {
  const bytes = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  assert.deepEqual(
    toFloat32(bytes(new BigInt64Array([-5n, 2n ** 40n, 7n])), 'I64'),
    new Float32Array([-5, 2 ** 40, 7]),
  );
  assert.deepEqual(toFloat32(bytes(new Int32Array([-2147483648, 3])), 'I32'), new Float32Array([-2147483648, 3]));
  assert.deepEqual(toFloat32(bytes(new Int16Array([-32768, 32767])), 'I16'), new Float32Array([-32768, 32767]));
  assert.deepEqual(toFloat32(new Uint8Array([0xff, 0x01]), 'I8'), new Float32Array([-1, 1]));
  assert.deepEqual(toFloat32(new Uint8Array([0xff, 0x01]), 'U8'), new Float32Array([255, 1]));
  assert.deepEqual(toFloat32(new Uint8Array([1, 0]), 'BOOL'), new Float32Array([1, 0]));
  assert.deepEqual(
    toFloat32(bytes(new Float64Array([0.1, -1e300])), 'F64'),
    new Float32Array([Math.fround(0.1), -Infinity]),
  );
});
