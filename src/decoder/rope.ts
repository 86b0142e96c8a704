// RoPE's cos/sin table, shared by the graph (GroupQueryAttention rotates q and k) and the runner (which rotates the
// keys it appends to the cache), so both use the very same float32 numbers.

/** cos/sin of position·θ^(-2j/hd) for j < hd/2, computed in float64 (the rotate-half convention of HF LLaMA). */
export function ropeCache(maxPositions: number, hd: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(maxPositions * (hd / 2));
  const sin = new Float32Array(maxPositions * (hd / 2));
  for (let p = 0; p < maxPositions; p++) {
    for (let j = 0; j < hd / 2; j++) {
      const angle = p * theta ** (-(2 * j) / hd);
      cos[p * (hd / 2) + j] = Math.cos(angle);
      sin[p * (hd / 2) + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

export type Rope = ReturnType<typeof ropeCache>;
