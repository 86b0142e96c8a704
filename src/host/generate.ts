// The generation loop: prefill, then one decoder step per token, streaming text, until <|endofchunk|>, EOS,
// the token limit or a cancel (checked between steps, so it takes effect within one step).
import { CancelledError, RuntimeFailure } from '../common/errors.ts';
import type { AnswerStats, GenerationOptions } from '../common/protocol.ts';
import type { DecoderState } from '../decoder/decoder.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';
import type { LoadedModel } from '../runtime/model.ts';
import { mulberry32 } from '../tokens/random.ts';
import { sampleToken } from '../tokens/sampling.ts';
import { TextStreamer } from '../tokens/streamer.ts';
import type { InfimmTokenizer } from '../tokens/tokenizer.ts';

export interface Generated {
  answer: string;
  /** Every id generated, the stop token included. */
  ids: number[];
  prefillMs: number;
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
  stopReason: AnswerStats['stopReason'];
}

export const DEFAULT_MAX_NEW_TOKENS = 256;

/** Feeds `prompt` after what `state` holds, then generates. The last generated id is not fed back. */
export async function generate(
  model: LoadedModel,
  tokenizer: InfimmTokenizer,
  state: DecoderState,
  history: readonly number[],
  prompt: readonly number[],
  options: GenerationOptions,
  onText: (text: string) => void,
  shouldCancel: ShouldCancel,
): Promise<Generated> {
  const started = performance.now();
  const context = model.arch.language.maxPositions;
  // The last generated token is not fed back, so it needs no position of its own.
  const room = context - state.length - prompt.length + 1;
  if (room <= 0) {
    throw new RuntimeFailure(
      'bad-request',
      `The conversation no longer fits the model's context of ${context} tokens.`,
      'Start a new conversation about the image (ask about it again from the panel or the Explorer).',
    );
  }
  const maxNewTokens = Math.min(options.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS, room);
  const random = mulberry32(options.seed ?? 0);
  const streamer = new TextStreamer(tokenizer);
  const sequence = [...history, ...prompt];
  const ids: number[] = [];
  if (shouldCancel()) throw new CancelledError();
  let logits = await model.decoder.forward(state, prompt);
  const prefillMs = performance.now() - started;
  let firstTokenAt = 0;
  let stopReason: Generated['stopReason'] = 'length';
  while (ids.length < maxNewTokens) {
    // An <image> token without an image attached is never generated.
    logits[tokenizer.image] = -Infinity;
    const next = sampleToken(logits, sequence, options, random);
    ids.push(next);
    sequence.push(next);
    if (ids.length === 1) firstTokenAt = performance.now();
    const text = streamer.push(next);
    if (text) onText(text);
    if (streamer.done) {
      stopReason = 'end';
      break;
    }
    if (shouldCancel()) {
      stopReason = 'cancelled';
      break;
    }
    if (ids.length === maxNewTokens) break;
    logits = await model.decoder.forward(state, [next]);
  }
  const tail = streamer.finish();
  if (tail) onText(tail);
  const decodeSeconds = (performance.now() - firstTokenAt) / 1000;
  return {
    answer: streamer.text,
    ids,
    prefillMs,
    timeToFirstTokenMs: firstTokenAt - started,
    tokensPerSecond: ids.length > 1 && decodeSeconds > 0 ? (ids.length - 1) / decodeSeconds : 0,
    stopReason,
  };
}
