// Output names of the image-memory graph, which the decoder graph takes as inputs of the same names.
export const MemoryIO = {
  /** [1, H, memory tokens, dh]: the keys of gated cross-attention block `block`. */
  key: (block: number) => `memory_k.${block}`,
  value: (block: number) => `memory_v.${block}`,
} as const;
