/** Reads one checkpoint tensor as float32 by its canonical name (the authors' key without any wrapper prefix). */
export type LoadTensor = (name: string) => Promise<Float32Array>;

export function concatFloat32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function mapFloat32(data: Float32Array, f: (x: number) => number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = f(data[i]!);
  return out;
}
