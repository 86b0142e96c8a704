// A GGUF v3 writer (the single-file model format of ggml/llama.cpp, specified in the ggml repository's
// docs/gguf.md), enough to hand llama.cpp the same weights as our packages: typed metadata and F32, F16 and
// Q4_0 tensors, streamed to disk one tensor at a time. Written by hand: no npm package writes GGUF.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { getFloat16 } from '@petamoriken/float16';
import { toHalf } from '../src/onnx/half.ts';

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const VERSION = 3;
export const ALIGNMENT = 32; // the default of general.alignment

/** ggml_type ids of the tensor types written here. */
export const GgmlType = { F32: 0, F16: 1, Q4_0: 2 } as const;
export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];

/** gguf_type ids of metadata values. */
const ValueType = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: ArrayLike<number> }
  | { type: 'i32[]'; value: ArrayLike<number> };

export interface GgufTensor {
  name: string;
  /** In PyTorch order (outermost first); GGUF stores them reversed (ne[0] is the contiguous axis). */
  shape: readonly number[];
  type: GgmlType;
  /** The tensor's float32 values, row-major; read only when its turn to be written comes. */
  data: () => Promise<Float32Array>;
}

export const Q4_0_BLOCK = 32;
const Q4_0_BYTES = 2 + Q4_0_BLOCK / 2;

export function tensorBytes(type: GgmlType, elements: number): number {
  if (type === GgmlType.F32) return 4 * elements;
  if (type === GgmlType.F16) return 2 * elements;
  if (elements % Q4_0_BLOCK !== 0) throw new Error(`Q4_0 needs a multiple of ${Q4_0_BLOCK} values, got ${elements}`);
  return (elements / Q4_0_BLOCK) * Q4_0_BYTES;
}

/**
 * ggml's Q4_0: per block of 32 values an fp16 scale d = m / -8, where m is the value of largest magnitude (sign
 * kept), then 16 bytes holding q = clamp(⌊x/d + 8.5⌋, 0, 15), value j in the low nibble of byte j and value
 * j + 16 in its high nibble; x ≈ (q - 8)·d. Blocks run along each row (the contiguous axis).
 */
export function quantizeQ4_0(x: Float32Array): Uint8Array {
  const blocks = tensorBytes(GgmlType.Q4_0, x.length) / Q4_0_BYTES;
  const out = new Uint8Array(blocks * Q4_0_BYTES);
  const view = new DataView(out.buffer);
  const scale = new Float32Array(1);
  for (let b = 0; b < blocks; b++) {
    const start = b * Q4_0_BLOCK;
    let max = 0;
    for (let j = 0; j < Q4_0_BLOCK; j++) if (Math.abs(x[start + j]!) > Math.abs(max)) max = x[start + j]!;
    scale[0] = max / -8;
    const inverse = scale[0] ? Math.fround(1 / scale[0]) : 0;
    const base = b * Q4_0_BYTES;
    view.setUint16(base, toHalf(scale)[0]!, true);
    const q = (v: number) => Math.min(15, Math.floor(Math.fround(Math.fround(v * inverse) + 8.5)));
    for (let j = 0; j < Q4_0_BLOCK / 2; j++)
      out[base + 2 + j] = q(x[start + j]!) | (q(x[start + j + Q4_0_BLOCK / 2]!) << 4);
  }
  return out;
}

/** The float values a Q4_0 tensor stands for (what llama.cpp computes with). */
export function dequantizeQ4_0(bytes: Uint8Array, elements: number): Float32Array {
  const out = new Float32Array(elements);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < elements / Q4_0_BLOCK; b++) {
    const base = b * Q4_0_BYTES;
    const d = getFloat16(view, base, true);
    for (let j = 0; j < Q4_0_BLOCK / 2; j++) {
      const byte = bytes[base + 2 + j]!;
      out[b * Q4_0_BLOCK + j] = ((byte & 15) - 8) * d;
      out[b * Q4_0_BLOCK + j + Q4_0_BLOCK / 2] = ((byte >> 4) - 8) * d;
    }
  }
  return out;
}

function encode(type: GgmlType, data: Float32Array): Uint8Array {
  if (type === GgmlType.F32) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (type === GgmlType.F16) {
    const half = toHalf(data);
    return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
  }
  return quantizeQ4_0(data);
}

/** Little-endian bytes of the header, metadata and tensor infos. */
class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }

  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }

  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  numbers(values: ArrayLike<number>, type: 'f32' | 'i32'): void {
    const b = Buffer.alloc(4 * values.length);
    for (let i = 0; i < values.length; i++) {
      if (type === 'f32') b.writeFloatLE(values[i]!, 4 * i);
      else b.writeInt32LE(values[i]!, 4 * i);
    }
    this.push(b);
  }

  value(v: GgufValue): void {
    switch (v.type) {
      case 'u32':
        this.u32(ValueType.UINT32);
        this.u32(v.value);
        return;
      case 'i32':
        this.u32(ValueType.INT32);
        this.numbers([v.value], 'i32');
        return;
      case 'f32':
        this.u32(ValueType.FLOAT32);
        this.numbers([v.value], 'f32');
        return;
      case 'bool':
        this.u32(ValueType.BOOL);
        this.push(Buffer.of(v.value ? 1 : 0));
        return;
      case 'string':
        this.u32(ValueType.STRING);
        this.string(v.value);
        return;
      case 'string[]':
        this.u32(ValueType.ARRAY);
        this.u32(ValueType.STRING);
        this.u64(v.value.length);
        for (const s of v.value) this.string(s);
        return;
      case 'f32[]':
      case 'i32[]':
        this.u32(ValueType.ARRAY);
        this.u32(v.type === 'f32[]' ? ValueType.FLOAT32 : ValueType.INT32);
        this.u64(v.value.length);
        this.numbers(v.value, v.type === 'f32[]' ? 'f32' : 'i32');
    }
  }

  padTo(alignment: number): void {
    this.push(Buffer.alloc((alignment - (this.length % alignment)) % alignment));
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const align = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** Writes a GGUF file; holds one tensor in memory at a time. Returns the file's size in bytes. */
export async function writeGguf(
  path: string,
  metadata: Record<string, GgufValue>,
  tensors: readonly GgufTensor[],
): Promise<number> {
  const head = new ByteWriter();
  head.u32(MAGIC);
  head.u32(VERSION);
  head.u64(tensors.length);
  head.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    head.string(key);
    head.value(value);
  }
  let offset = 0;
  for (const t of tensors) {
    head.string(t.name);
    head.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) head.u64(d);
    head.u32(t.type);
    head.u64(offset);
    offset = align(
      offset +
        tensorBytes(
          t.type,
          t.shape.reduce((a, b) => a * b, 1),
        ),
    );
  }
  head.padTo(ALIGNMENT);
  const fd = openSync(path, 'w');
  try {
    const header = head.bytes();
    writeSync(fd, header);
    let position = header.length;
    for (const t of tensors) {
      const data = await t.data();
      const elements = t.shape.reduce((a, b) => a * b, 1);
      if (data.length !== elements)
        throw new Error(`${t.name}: ${data.length} values for shape [${t.shape.join(', ')}]`);
      const bytes = encode(t.type, data);
      writeSync(fd, bytes, 0, bytes.length, position);
      position = header.length + align(position - header.length + bytes.length);
    }
    ftruncateSync(fd, position); // the last tensor's padding too
    return position;
  } finally {
    closeSync(fd);
  }
}
