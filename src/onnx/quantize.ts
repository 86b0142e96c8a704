// Block-wise weight quantisation in the layout of ONNX Runtime's MatMulNBits: for a weight W [N, K]
// (out × in, as PyTorch stores Linear weights), each row is cut into blocks of `blockSize` along K, each block
// gets one float scale. Blocks are symmetric, as llama.cpp's Q4_0 and Q8_0: the stored values are unsigned with
// an implied zero point of 2^(bits−1) (8 or 128), which is MatMulNBits' default when the graph gives no zero
// points, so none are stored. The scale is the block's largest-magnitude value divided by −2^(bits−1): that value
// lands exactly on the most negative level, and every level of the range is used (a negative scale is fine for
// the kernels, which compute (q − zero point) × scale).

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
}

export function quantize(w: Float32Array, n: number, k: number, bits: QuantBits, blockSize = 32): QuantizedWeight {
  const blocks = Math.ceil(k / blockSize);
  const zero = 1 << (bits - 1);
  const top = (1 << bits) - 1;
  const bytesPerBlock = (blockSize * bits) / 8;
  const packed = new Uint8Array(n * blocks * bytesPerBlock);
  const scales = new Float32Array(n * blocks);
  // floor(x + ½) is Math.round, at less than half its time in V8 (the conversion's hot loop). −extreme would need
  // level 2^bits, one past the top: it is clamped, as in Q4_0.
  const level = (x: number, scale: number): number => {
    const q = Math.floor(x / scale + 0.5) + zero;
    return q < 0 ? 0 : q > top ? top : q;
  };
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const start = row * k + b * blockSize;
      const end = row * k + Math.min(k, (b + 1) * blockSize);
      let extreme = 0;
      let magnitude = 0;
      for (let i = start; i < end; i++) {
        const a = Math.abs(w[i]!);
        if (a > magnitude) {
          magnitude = a;
          extreme = w[i]!;
        }
      }
      const scale = extreme === 0 ? 1 : Math.fround(extreme / -zero);
      scales[row * blocks + b] = scale;
      const base = (row * blocks + b) * bytesPerBlock;
      if (end - start === blockSize && bits === 4) {
        for (let j = 0; j < blockSize; j += 2)
          packed[base + (j >> 1)] = level(w[start + j]!, scale) | (level(w[start + j + 1]!, scale) << 4);
      } else if (end - start === blockSize) {
        for (let j = 0; j < blockSize; j++) packed[base + j] = level(w[start + j]!, scale);
      } else {
        // The last block of a row whose K is not a multiple of the block: padding past K is level `zero`, value 0.
        const at = (i: number) => (i < end ? level(w[i]!, scale) : zero);
        if (bits === 8) for (let j = 0; j < blockSize; j++) packed[base + j] = at(start + j);
        else for (let j = 0; j < blockSize; j += 2) packed[base + (j >> 1)] = at(start + j) | (at(start + j + 1) << 4);
      }
    }
  }
  return { bits, n, k, blockSize, packed, scales };
}

/** The float weights a quantised weight stands for, [N, K]: what the kernels compute with. */
export function dequantize(q: QuantizedWeight): Float32Array {
  const { bits, n, k, blockSize } = q;
  const blocks = Math.ceil(k / blockSize);
  const zero = 1 << (bits - 1);
  const bytesPerBlock = (blockSize * bits) / 8;
  const out = new Float32Array(n * k);
  for (let row = 0; row < n; row++) {
    for (let b = 0; b < blocks; b++) {
      const scale = q.scales[row * blocks + b]!;
      const base = (row * blocks + b) * bytesPerBlock;
      for (let j = 0; j < blockSize && b * blockSize + j < k; j++) {
        const byte = q.packed[base + (bits === 8 ? j : j >> 1)]!;
        const v = bits === 8 ? byte : (byte >> ((j & 1) * 4)) & 15;
        out[row * k + b * blockSize + j] = Math.fround((v - zero) * scale);
      }
    }
  }
  return out;
}
