// Logits processors: each changes one step's logits before a token is picked, knowing every id the model has
// seen and produced. An answer's run in this order: the <image> ban, then the repetition penalty (as
// transformers' generate() applies its processors before temperature, top-k and top-p).

/** Returns the processed logits; may change `logits` in place. `sequence`: the prompt's ids and those generated. */
export type LogitsProcessor = (logits: Float32Array, sequence: readonly number[]) => Float32Array;

/** These tokens are never picked: their logits become −∞. */
export function banTokens(ids: readonly number[]): LogitsProcessor {
  return (logits) => {
    for (const id of ids) logits[id] = -Infinity;
    return logits;
  };
}

/**
 * The CTRL rule (as in transformers): for each distinct token already in the sequence, a positive logit is
 * divided by `penalty` and a negative one multiplied by it, so the token becomes less likely either way.
 */
export function repetitionPenalty(penalty: number): LogitsProcessor {
  return (logits, sequence) => {
    const result = logits.slice();
    for (const id of new Set(sequence)) {
      const value = logits[id];
      if (value !== undefined) result[id] = value > 0 ? value / penalty : value * penalty;
    }
    return result;
  };
}

/** `processors` one after the other. */
export function processLogits(
  processors: readonly LogitsProcessor[],
  logits: Float32Array,
  sequence: readonly number[],
): Float32Array {
  return processors.reduce((scores, process) => process(scores, sequence), logits);
}
