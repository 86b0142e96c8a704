// The InfiMM-HD tokenizer: LLaMA's SentencePiece plus two tokens added after its vocabulary.
//
// Text is split on the added-token strings and each piece of text between them is encoded by SentencePiece on
// its own, so each gets SentencePiece's dummy-prefix "▁" ("<image>What" → <image>, "▁What"). This is what the
// legacy LlamaTokenizer of transformers 4.35, which InfiMM-HD was trained with, does; added tokens strip no
// spaces around them.
import { TokenizerError } from './errors.ts';
import { PieceDecoder, SentencePiece } from './sentencepiece.ts';

export const END_OF_CHUNK = '<|endofchunk|>';
export const IMAGE_TOKEN = '<image>';

const ADDED_TOKEN_SPLIT = /(<\|endofchunk\|>|<image>)/;

/** Text (encoded by SentencePiece as one piece of text) or the id of an added token. */
export type Segment = string | number;

export interface EncodeOptions {
  /** Put BOS first (default false). */
  addBos?: boolean;
}

export interface DecodeOptions {
  /** Leave `<|endofchunk|>` and `<image>` out of the text (default false). BOS/EOS never show. */
  skipSpecial?: boolean;
}

export class InfimmTokenizer {
  readonly bos: number;
  readonly eos: number;
  /** `<|endofchunk|>`: ends every answer. */
  readonly endOfChunk: number;
  /** `<image>`: where an image's memory is attended from. */
  readonly image: number;
  /** SentencePiece's pieces plus the two added tokens. */
  readonly vocabSize: number;

  static async fromFile(path: string): Promise<InfimmTokenizer> {
    return new InfimmTokenizer(await SentencePiece.fromFile(path), path);
  }

  constructor(
    readonly sentencePiece: SentencePiece,
    source: string,
  ) {
    if (sentencePiece.bosId < 0 || sentencePiece.eosId < 0) {
      throw new TokenizerError(
        'model-incompatible',
        `${source} defines no BOS or EOS token.`,
        'Use the LLaMA/Vicuna tokenizer.model of the InfiMM-HD checkpoint.',
      );
    }
    this.bos = sentencePiece.bosId;
    this.eos = sentencePiece.eosId;
    this.endOfChunk = sentencePiece.size;
    this.image = sentencePiece.size + 1;
    this.vocabSize = sentencePiece.size + 2;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const segments = text
      .split(ADDED_TOKEN_SPLIT)
      .map((part) => (part === END_OF_CHUNK ? this.endOfChunk : part === IMAGE_TOKEN ? this.image : part));
    return [...(options.addBos ? [this.bos] : []), ...this.encodeSegments(segments)];
  }

  /**
   * Encodes text and added-token ids without looking for added-token strings inside the text, so text typed
   * by a user ("what does <image> mean in HTML?") stays text. Adjacent strings form one piece of text.
   */
  encodeSegments(segments: readonly Segment[]): number[] {
    const ids: number[] = [];
    let text = '';
    for (const segment of segments) {
      if (typeof segment === 'string') {
        text += segment;
        continue;
      }
      ids.push(...this.sentencePiece.encode(text), segment);
      text = '';
    }
    ids.push(...this.sentencePiece.encode(text));
    return ids;
  }

  /** The inverse of `encode`: each piece of text between added tokens loses its own dummy-prefix space. */
  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    let text = '';
    let decoder = new PieceDecoder(this.sentencePiece);
    for (const id of ids) {
      const added = this.addedTokenText(id);
      if (added === undefined) {
        text += decoder.push(id);
        continue;
      }
      text += decoder.finish() + (options.skipSpecial ? '' : added);
      decoder = new PieceDecoder(this.sentencePiece);
    }
    return text + decoder.finish();
  }

  /** The string of an added token, undefined for SentencePiece ids. */
  addedTokenText(id: number): string | undefined {
    return id === this.endOfChunk ? END_OF_CHUNK : id === this.image ? IMAGE_TOKEN : undefined;
  }
}
