// Turns generated ids into text as they arrive. Text comes out only in whole characters (a character split over
// several byte-fallback tokens waits for its last byte); the answer's leading dummy-prefix space is dropped,
// as SentencePiece's decode drops it; <|endofchunk|> and EOS end the answer and print nothing.
import { PieceDecoder } from '../tokens/sentencepiece.ts';
import type { InfimmTokenizer } from '../tokens/tokenizer.ts';

export class TextStreamer {
  private readonly decoder: PieceDecoder;
  private ended = false;
  private answer = '';

  constructor(private readonly tokenizer: InfimmTokenizer) {
    this.decoder = new PieceDecoder(tokenizer.sentencePiece);
  }

  /** All text so far. */
  get text(): string {
    return this.answer;
  }

  /** The new text this id completes ('' while a character is incomplete, or after the end: later ids are ignored). */
  push(id: number): string {
    if (this.ended) return '';
    if (id === this.tokenizer.endOfChunk || id === this.tokenizer.eos) return this.finish();
    // <image> in an answer has no text; the model was never trained to produce it.
    const delta = id === this.tokenizer.image ? '' : this.decoder.push(id);
    this.answer += delta;
    return delta;
  }

  /** Ends the answer (also when generation stopped for another reason): held bytes come out as U+FFFD. */
  finish(): string {
    if (this.ended) return '';
    this.ended = true;
    const delta = this.decoder.finish();
    this.answer += delta;
    return delta;
  }
}
