// Torch tensors are views: an element offset and strides into a storage. These turn a view into C-order bytes.
import { allocate, type Allocate } from './checkpoint.ts';

/** Elements from the view's first to its last element in the storage (0 for an empty tensor). */
export function spanElements(shape: readonly number[], strides: readonly number[]): number {
  if (shape.some((n) => n === 0)) return 0;
  return 1 + shape.reduce((sum, n, d) => sum + (n - 1) * strides[d]!, 0);
}

/** True when the view's elements lie in C order without gaps (size-1 dimensions may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

type Words = Uint8Array | Uint16Array | Uint32Array;

function words(bytes: Uint8Array, unit: number): Words {
  const b = bytes.byteOffset % unit === 0 ? bytes : bytes.slice();
  if (unit === 1) return b;
  return unit === 2
    ? new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2)
    : new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

/**
 * Copies a strided view out of `span` (the storage bytes from the view's first element on) into a
 * contiguous C-order buffer that `into` gives. Elements move as whole 1-, 2- or 4-byte words (8-byte ones as two
 * words), so NaN payloads and integers pass bit-exactly.
 */
export function gather(
  span: Uint8Array,
  itemSize: number,
  shape: readonly number[],
  strides: readonly number[],
  into: Allocate = allocate,
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = into(count * itemSize);
  if (count === 0) return out;
  const unit = Math.min(itemSize, 4);
  const per = itemSize / unit;
  const src = words(span, unit);
  const dst = words(out, unit);
  const rank = shape.length;
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const innerStep = rank === 0 ? 0 : strides[rank - 1]! * per;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let at = 0;
  let o = 0;
  for (let rows = count / inner; rows > 0; rows--) {
    for (let i = 0, p = at; i < inner; i++, p += innerStep) {
      for (let w = 0; w < per; w++) dst[o++] = src[p + w]!;
    }
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      at += strides[d]! * per;
      if (++index[d]! < shape[d]!) break;
      at -= shape[d]! * strides[d]! * per;
      index[d] = 0;
    }
  }
  return out;
}
