// The Vicuna conversation format InfiMM-HD was trained with:
//
//   <s>SYSTEM USER: <image>Q1 ASSISTANT: A1<|endofchunk|> USER: Q2 ASSISTANT: A2<|endofchunk|> USER: Q3 ASSISTANT:
//
// The first round carries the system text and the image; rounds are joined by one space; the model continues
// after the final " ASSISTANT:" and ends its answer with <|endofchunk|>. Without an image there is no <image>.
// An OCR context (ocr-context.ts) goes right before the first question, in the same piece of text:
// "<image>Text in the image:\n[0,3] Settings\nQ1 ASSISTANT:".
// Questions and answers are always text: an added-token string typed inside them is not made a token.
import type { InfimmTokenizer, Segment } from './tokenizer.ts';

export const SYSTEM_PROMPT =
  "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";

export interface Turn {
  question: string;
  answer: string;
}

export interface Conversation {
  /** Whether the first question comes with an image. */
  image: boolean;
  /** Finished turns, oldest first. */
  turns: readonly Turn[];
  /** The image's OCR context, read before the first question. */
  context?: string;
}

/** The segments of a conversation's finished turns and a new question, ready for `encodeSegments`. */
function promptSegments(
  tokenizer: InfimmTokenizer,
  { image, turns, context = '' }: Conversation,
  question: string,
): Segment[] {
  const segments: Segment[] = [`${SYSTEM_PROMPT} USER: `];
  if (image) segments.push(tokenizer.image);
  const opening = (index: number) => (index === 0 ? context : ' USER: ');
  for (const [index, turn] of turns.entries()) {
    segments.push(`${opening(index)}${turn.question} ASSISTANT: ${turn.answer}`, tokenizer.endOfChunk);
  }
  segments.push(`${opening(turns.length)}${question} ASSISTANT:`);
  return segments;
}

/** Ids the model reads to answer `question` after the finished turns: BOS first, " ASSISTANT:" last. */
export function promptIds(tokenizer: InfimmTokenizer, conversation: Conversation, question: string): number[] {
  return [tokenizer.bos, ...tokenizer.encodeSegments(promptSegments(tokenizer, conversation, question))];
}

export interface FollowUp {
  /** How many of the cached positions to keep (the KV cache is cut to this length first). */
  keep: number;
  /** Ids to run after them. */
  append: number[];
}

/**
 * What to feed the model for a follow-up question, given every id already in its KV cache (the previous
 * prompts and the generated answers).
 *
 * Text after <|endofchunk|> is encoded on its own, so after a finished answer the appended ids are exactly those
 * `promptIds` gives for the whole conversation: cache + append = promptIds(conversation, question) whenever the
 * model's answer tokens are SentencePiece's own encoding of its answer text (the usual case; when the model
 * chose another split of the same text, the cache keeps the tokens it really produced and saw).
 * An answer cut short (length limit, cancel) is closed with <|endofchunk|>; an EOS is replaced by it, since
 * training never put EOS inside a conversation.
 */
export function followUpIds(tokenizer: InfimmTokenizer, cached: readonly number[], question: string): FollowUp {
  if (cached.length === 0) throw new Error('followUpIds needs the ids of a conversation; start one with promptIds.');
  const next = tokenizer.encodeSegments([` USER: ${question} ASSISTANT:`]);
  const last = cached[cached.length - 1];
  if (last === tokenizer.endOfChunk) return { keep: cached.length, append: next };
  const keep = last === tokenizer.eos ? cached.length - 1 : cached.length;
  return { keep, append: [tokenizer.endOfChunk, ...next] };
}
