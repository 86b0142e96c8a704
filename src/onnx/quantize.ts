// Block-wise weight quantisation in the layout of ONNX Runtime's MatMulNBits: for a weight W [N, K]
// (out × in, as PyTorch stores Linear weights), each row is cut into blocks of `blockSize` along K, each block
// gets a float scale and an unsigned zero point (asymmetric, with 0 always representable).

export type QuantBits = 4 | 8;

export interface QuantizedWeight {
  bits: QuantBits;
  n: number;
  k: number;
  blockSize: number;
  /** [N, blocks, blockSize·bits/8]; two 4-bit values per byte, the first in the low nibble. */
  packed: Uint8Array;
  /** [N·blocks] */
  scales: Float32Array;
  /** [N, ceil(blocks·bits/8)]; 4-bit zero points packed like the values. */
  zeroPoints: Uint8Array;
}

export function quantize(w: Float32Array, n: number, k: number, bits: QuantBits, blockSize = 32): QuantizedWeight {
  const blocks = Math.ceil(k / blockSize);
  const levels = (1 << bits) - 1;
  const bytesPerBlock = (blockSize * bits) / 8;
  const zpBytesPerRow = Math.ceil((blocks * bits) / 8);
  const packed = new Uint8Array(n * blocks * bytesPerBlock);
  const scales = new Float32Array(n * blocks);
  const zeroPoints = new Uint8Array(n * zpBytesPerRow);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const start = row * k + b * blockSize;
      const end = row * k + Math.min(k, (b + 1) * blockSize);
      let lo = 0;
      let hi = 0;
      for (let i = start; i < end; i++) {
        const v = w[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const scale = Math.fround(hi > lo ? (hi - lo) / levels : 1);
      const zp = Math.min(levels, Math.max(0, Math.round(-lo / scale)));
      scales[row * blocks + b] = scale;
      if (bits === 8) zeroPoints[row * zpBytesPerRow + b] = zp;
      else zeroPoints[row * zpBytesPerRow + (b >> 1)]! |= zp << ((b & 1) * 4);
      const base = (row * blocks + b) * bytesPerBlock;
      for (let j = 0; j < blockSize; j++) {
        const i = start + j;
        // Padding past K quantises to the zero point, i.e. to exactly 0.
        const q = i < end ? Math.min(levels, Math.max(0, Math.round(w[i]! / scale) + zp)) : zp;
        if (bits === 8) packed[base + j] = q;
        else packed[base + (j >> 1)]! |= q << ((j & 1) * 4);
      }
    }
  }
  return { bits, n, k, blockSize, packed, scales, zeroPoints };
}

/** The float weights a quantised weight stands for, [N, K]: what the kernels compute with. */
export function dequantize(q: QuantizedWeight): Float32Array {
  const { bits, n, k, blockSize } = q;
  const blocks = Math.ceil(k / blockSize);
  const bytesPerBlock = (blockSize * bits) / 8;
  const zpBytesPerRow = Math.ceil((blocks * bits) / 8);
  const out = new Float32Array(n * k);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const scale = q.scales[row * blocks + b]!;
      const zpByte = q.zeroPoints[row * zpBytesPerRow + (bits === 8 ? b : b >> 1)]!;
      const zp = bits === 8 ? zpByte : (zpByte >> ((b & 1) * 4)) & 15;
      const base = (row * blocks + b) * bytesPerBlock;
      for (let j = 0; j < blockSize && b * blockSize + j < k; j++) {
        const byte = q.packed[base + (bits === 8 ? j : j >> 1)]!;
        const v = bits === 8 ? byte : (byte >> ((j & 1) * 4)) & 15;
        out[row * k + b * blockSize + j] = Math.fround((v - zp) * scale);
      }
    }
  }
  return out;
}
