// Canonical checkpoint names of the language model (the authors' Flamingo layout, no wrapper prefix): the names
// the graph builders load and the converter maps every checkpoint onto.
export const LM = 'lang_encoder.';

export function decoderKey(layer: number, name: string): string {
  return `${LM}model.layers.${layer}.decoder_layer.${name}`;
}

export function crossKey(layer: number, name: string): string {
  return `${LM}model.layers.${layer}.gated_cross_attn_layer.${name}`;
}
