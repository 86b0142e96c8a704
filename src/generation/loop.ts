// The token loop: prefill the prompt, then per token: ask the stopping rules, feed the last token back, process
// the logits, pick. Every caller generates through it: the host's answers, the parity tests' greedy tokens, the
// benchmarks and the GPU check.
import { banTokens, processLogits, type LogitsProcessor } from './processors.ts';
import { argmax, type TokenPicker } from './sampling.ts';
import { maxNewTokens, stopReason, type StopReason, type StoppingRule } from './stopping.ts';

/** What the loop needs of a decoder (src/decoder/decoder.ts): the next logits after feeding `ids` to `state`. */
export interface StepDecoder<State> {
  forward(state: State, ids: readonly number[]): Promise<Float32Array>;
}

export interface Steps {
  processors: readonly LogitsProcessor[];
  pick: TokenPicker;
  stopping: readonly StoppingRule[];
  /** The ids `state` already holds before the prompt: the repetition penalty counts them. */
  history?: readonly number[];
  /** Called with each token as soon as it is picked. */
  onToken?: (id: number) => void;
}

export interface Generation {
  /** Every id generated, the one that ended the answer included; the last one is never fed to the decoder. */
  ids: number[];
  stopReason: StopReason;
  /** The prompt's decoder run. */
  prefillMs: number;
  /** From the call to the first token picked. */
  timeToFirstTokenMs: number;
  /** Tokens after the first, per second after the first. */
  tokensPerSecond: number;
}

/** Feeds `prompt` after what `state` holds, then generates until a stopping rule gives its reason. */
export async function generateTokens<State>(
  decoder: StepDecoder<State>,
  state: State,
  prompt: readonly number[],
  steps: Steps,
): Promise<Generation> {
  const started = performance.now();
  const sequence = [...(steps.history ?? []), ...prompt];
  const ids: number[] = [];
  let logits = await decoder.forward(state, prompt);
  const prefillMs = performance.now() - started;
  let firstTokenAt = started;
  let reason: StopReason | undefined;
  while ((reason = stopReason(steps.stopping, ids)) === undefined) {
    if (ids.length > 0) logits = await decoder.forward(state, [ids[ids.length - 1]!]);
    const next = steps.pick(processLogits(steps.processors, logits, sequence));
    ids.push(next);
    sequence.push(next);
    if (ids.length === 1) firstTokenAt = performance.now();
    steps.onToken?.(next);
  }
  const decodeSeconds = (performance.now() - firstTokenAt) / 1000;
  return {
    ids,
    stopReason: reason,
    prefillMs,
    timeToFirstTokenMs: firstTokenAt - started,
    tokensPerSecond: ids.length > 1 && decodeSeconds > 0 ? (ids.length - 1) / decodeSeconds : 0,
  };
}

/**
 * `count` greedy tokens with <image> banned and no end token (the PyTorch reference's greedy decoding with no
 * stop ids), as the parity tests, the benchmarks and the GPU check compare them.
 */
export function greedy<State>(
  decoder: StepDecoder<State>,
  state: State,
  prompt: readonly number[],
  image: number,
  count: number,
  onToken?: (id: number) => void,
): Promise<Generation> {
  return generateTokens(decoder, state, prompt, {
    processors: [banTokens([image])],
    pick: argmax,
    stopping: [maxNewTokens(count)],
    onToken,
  });
}
