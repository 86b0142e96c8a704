// An answer to a question, as the host streams it: the options' processors, picker and limits, the stop at
// <|endofchunk|> or EOS, a cancel between steps, and the text as it arrives.
import { CancelledError } from '../common/errors.ts';
import type { GenerationOptions } from '../common/protocol.ts';
import type { DecoderState } from '../decoder/decoder.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';
import type { LoadedModel } from '../runtime/model.ts';
import { mulberry32 } from '../tokens/random.ts';
import type { InfimmTokenizer } from '../tokens/tokenizer.ts';
import { GenerationError } from './errors.ts';
import { generateTokens, type Generation } from './loop.ts';
import { banTokens, repetitionPenalty, type LogitsProcessor } from './processors.ts';
import { checkSamplingOptions, tokenPicker } from './sampling.ts';
import { cancellation, endTokens, maxNewTokens } from './stopping.ts';
import { TextStreamer } from './streamer.ts';

export interface Answer extends Generation {
  answer: string;
}

export const DEFAULT_MAX_NEW_TOKENS = 256;

/** The processors an answer's logits go through: <image> banned (no image is attached to it), then the penalty. */
export function answerProcessors(image: number, options: GenerationOptions): LogitsProcessor[] {
  const penalty = options.repetitionPenalty ?? 1;
  return penalty === 1 ? [banTokens([image])] : [banTokens([image]), repetitionPenalty(penalty)];
}

/** Feeds `prompt` after what `state` holds (`history`), then answers. The last generated id is not fed back. */
export async function generateAnswer(
  model: LoadedModel,
  tokenizer: InfimmTokenizer,
  state: DecoderState,
  history: readonly number[],
  prompt: readonly number[],
  options: GenerationOptions,
  onText: (text: string) => void,
  shouldCancel: ShouldCancel,
): Promise<Answer> {
  checkSamplingOptions(options);
  const context = model.arch.language.maxPositions;
  // The last generated token is not fed back, so it needs no position of its own.
  const room = context - state.length - prompt.length + 1;
  if (room <= 0) {
    throw new GenerationError(
      'bad-request',
      `The conversation no longer fits the model's context of ${context} tokens.`,
      'Start a new conversation about the image (ask about it again from the panel or the Explorer).',
    );
  }
  const streamer = new TextStreamer(tokenizer);
  if (shouldCancel()) throw new CancelledError();
  const generated = await generateTokens(model.decoder, state, prompt, {
    processors: answerProcessors(tokenizer.image, options),
    pick: tokenPicker(options, mulberry32(options.seed ?? 0)),
    stopping: [
      endTokens([tokenizer.endOfChunk, tokenizer.eos]),
      cancellation(shouldCancel),
      maxNewTokens(Math.min(options.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS, room)),
    ],
    history,
    onToken: (id) => {
      const text = streamer.push(id);
      if (text) onText(text);
    },
  });
  const tail = streamer.finish();
  if (tail) onText(tail);
  return { ...generated, answer: streamer.text };
}
