// A safetensors writer for float32 tensors, one tensor written at a time: a package unpacked into a checkpoint
// (src/convert/unpack.ts), and tests that need a checkpoint with chosen tensors.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface F32Tensor {
  shape: number[];
  data: Float32Array;
}

export function writeSafetensors(path: string, tensors: ReadonlyMap<string, F32Tensor>): void {
  const header: Record<string, { dtype: 'F32'; shape: number[]; data_offsets: [number, number] }> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, length);
    writeSync(fd, json);
    for (const t of tensors.values())
      writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  } finally {
    closeSync(fd);
  }
}
