import { getFloat16 } from '@petamoriken/float16';

export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const ITEM_SIZE: Readonly<Record<DType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function isDType(name: string): name is DType {
  return Object.hasOwn(ITEM_SIZE, name);
}

let halfTable: Float32Array | undefined;

/** float32 value of every float16 bit pattern: one table load per weight is ~100× faster than a library call per weight. */
function halfToFloatTable(): Float32Array {
  if (halfTable === undefined) {
    const patterns = new DataView(Uint16Array.from({ length: 65536 }, (_, i) => i).buffer);
    halfTable = Float32Array.from({ length: 65536 }, (_, i) => getFloat16(patterns, 2 * i, true));
  }
  return halfTable;
}

/** Typed views need aligned offsets; a misaligned slice is copied once. */
function aligned(bytes: Uint8Array, itemSize: number): Uint8Array {
  return bytes.byteOffset % itemSize === 0 ? bytes : bytes.slice();
}

/**
 * Where n 2-byte values widen to float32: their own buffer when it starts with them and has room
 * (filled back to front, each 4-byte write lands on values already read), else a new one.
 */
function widenedBuffer(b: Uint8Array, n: number): ArrayBufferLike {
  return b.byteOffset === 0 && b.buffer.byteLength >= 4 * n ? b.buffer : new ArrayBuffer(4 * n);
}

/**
 * Converts little-endian tensor bytes to float32 (typed arrays use the host's byte order, and every
 * platform Node ships for is little-endian). F32 input is returned as a view, not a copy; F16 and BF16
 * are widened in place when `bytes` sits at the start of a buffer with room for the result.
 */
export function toFloat32(bytes: Uint8Array, dtype: DType): Float32Array {
  const b = aligned(bytes, ITEM_SIZE[dtype]);
  const n = b.byteLength / ITEM_SIZE[dtype];
  switch (dtype) {
    case 'F32':
      return new Float32Array(b.buffer, b.byteOffset, n);
    case 'F64':
      return new Float32Array(new Float64Array(b.buffer, b.byteOffset, n));
    case 'F16': {
      const table = halfToFloatTable();
      const half = new Uint16Array(b.buffer, b.byteOffset, n);
      const out = new Float32Array(widenedBuffer(b, n), 0, n);
      for (let i = n - 1; i >= 0; i--) out[i] = table[half[i]!]!;
      return out;
    }
    case 'BF16': {
      // bfloat16 is the upper half of a float32's bits.
      const half = new Uint16Array(b.buffer, b.byteOffset, n);
      const bits = new Uint32Array(widenedBuffer(b, n), 0, n);
      for (let i = n - 1; i >= 0; i--) bits[i] = half[i]! << 16;
      return new Float32Array(bits.buffer, 0, n);
    }
    case 'I64': {
      const big = new BigInt64Array(b.buffer, b.byteOffset, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(big[i]!);
      return out;
    }
    case 'I32':
      return new Float32Array(new Int32Array(b.buffer, b.byteOffset, n));
    case 'I16':
      return new Float32Array(new Int16Array(b.buffer, b.byteOffset, n));
    case 'I8':
      return new Float32Array(new Int8Array(b.buffer, b.byteOffset, n));
    case 'U8':
    case 'BOOL':
      return new Float32Array(b);
  }
}
