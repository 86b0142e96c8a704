// SentencePiece encoding and decoding for BPE models (LLaMA's kind), matching Google's implementation id for id.
// Written by hand: no well-kept npm package implements SentencePiece (the few ports wrap a WebAssembly build),
// and the BPE loop is short; test/tokens checks it against Google's library on thousands of strings.
import { readFile } from 'node:fs/promises';
import TinyQueue from 'tinyqueue';
import { TokenizerError } from './errors.ts';
import { parseSentencePieceModel, PieceType, type SentencePieceModel } from './sentencepiece-model.ts';
import { decodeChar, isIncomplete, REPLACEMENT } from './utf8.ts';

/** The symbol SentencePiece writes for a space ("▁", U+2581). */
const SPACE_SYMBOL = '\u2581';

const BYTE_PIECE = /^<0x([0-9A-F]{2})>$/;

/** A candidate merge of two adjacent symbols. */
interface Candidate {
  left: number;
  right: number;
  score: number;
  /** Length of the merged piece when the candidate was made; a different length later means it is stale. */
  size: number;
}

// SentencePiece's agenda order: highest score first, ties to the leftmost pair.
const byPriority = (a: Candidate, b: Candidate): number => b.score - a.score || a.left - b.left;

export class SentencePiece {
  readonly model: SentencePieceModel;
  readonly unkId: number;
  /** -1 when the model has none. */
  readonly bosId: number;
  readonly eosId: number;
  /** NORMAL, USER_DEFINED and UNUSED pieces: the ones BPE merges may produce. */
  private readonly mergeable = new Map<string, number>();
  /** CONTROL, UNKNOWN and BYTE pieces, looked up first as SentencePiece does. */
  private readonly reserved = new Map<string, number>();
  /** USER_DEFINED pieces by first UTF-16 unit, longest first: they are matched whole, before any merge. */
  private readonly userSymbols = new Map<string, string[]>();
  private readonly byteIds = new Int32Array(256);
  /** Byte value of each id, -1 for pieces that are not `<0xXX>`. */
  private readonly byteOf: Int16Array;

  static async fromFile(path: string): Promise<SentencePiece> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new TokenizerError(
        'model-missing',
        `Cannot read the tokenizer ${path}: ${(error as Error).message}.`,
        'Check that the model package contains tokenizer.model.',
      );
    }
    return new SentencePiece(parseSentencePieceModel(bytes, path), path);
  }

  /** `source` names the model in error messages. */
  constructor(model: SentencePieceModel, source: string) {
    const { trainerSpec, normalizerSpec, pieces } = model;
    const incompatible = (what: string): TokenizerError =>
      new TokenizerError(
        'model-incompatible',
        `${source} ${what}; only BPE models with the identity normalizer (LLaMA's kind) are supported.`,
        'Use the LLaMA/Vicuna tokenizer.model of the InfiMM-HD checkpoint.',
      );
    if (trainerSpec.modelType !== 'bpe') throw incompatible(`is a ${trainerSpec.modelType} SentencePiece model`);
    if (normalizerSpec.precompiledCharsmap.length > 0) {
      throw incompatible(`uses the "${normalizerSpec.name}" normalizer`);
    }
    if (trainerSpec.treatWhitespaceAsSuffix) throw incompatible('treats whitespace as a suffix');
    const invalid = (what: string): TokenizerError =>
      new TokenizerError('model-invalid', `${source} is damaged: ${what}.`, 'Download the tokenizer.model again.');

    this.model = model;
    this.byteOf = new Int16Array(pieces.length).fill(-1);
    let unkId = -1;
    pieces.forEach(({ piece, type }, id) => {
      if (piece === '') throw invalid(`piece ${id} is empty`);
      const normal = type === PieceType.NORMAL || type === PieceType.USER_DEFINED || type === PieceType.UNUSED;
      const table = normal ? this.mergeable : this.reserved;
      if (table.has(piece)) throw invalid(`piece "${piece}" is defined twice`);
      table.set(piece, id);
      if (type === PieceType.UNKNOWN) unkId = id;
      if (type === PieceType.USER_DEFINED) {
        const bucket = this.userSymbols.get(piece[0]!) ?? [];
        bucket.push(piece);
        this.userSymbols.set(piece[0]!, bucket);
      }
      if (type === PieceType.BYTE) {
        const match = BYTE_PIECE.exec(piece);
        if (!trainerSpec.byteFallback || !match) throw invalid(`byte piece "${piece}" is not allowed here`);
        this.byteOf[id] = Number.parseInt(match[1]!, 16);
      }
    });
    if (unkId < 0) throw invalid('it has no <unk> piece');
    this.unkId = unkId;
    for (const bucket of this.userSymbols.values()) bucket.sort((a, b) => b.length - a.length);
    for (let byte = 0; byte < 256; byte++) {
      this.byteIds[byte] = this.pieceToId(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    }
    const control = (id: number): number => (pieces[id]?.type === PieceType.CONTROL ? id : -1);
    this.bosId = control(trainerSpec.bosId);
    this.eosId = control(trainerSpec.eosId);
  }

  /** Number of pieces (ids are 0 … size − 1). */
  get size(): number {
    return this.model.pieces.length;
  }

  idToPiece(id: number): string {
    const piece = this.model.pieces[id];
    if (!piece) throw new RangeError(`Token id ${id} is outside the vocabulary (0 … ${this.size - 1}).`);
    return piece.piece;
  }

  /** The id of a piece, or the unknown id. */
  pieceToId(piece: string): number {
    return this.reserved.get(piece) ?? this.mergeable.get(piece) ?? this.unkId;
  }

  /** The identity normalizer: dummy prefix, spaces → "▁", extra spaces removed when the spec asks. */
  normalize(text: string): string {
    const { addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces } = this.model.normalizerSpec;
    // JavaScript strings may hold lone surrogates; SentencePiece sees U+FFFD there (what UTF-8 encoding makes).
    const input = text.replace(/\p{Cs}/gu, REPLACEMENT);
    const space = escapeWhitespaces ? SPACE_SYMBOL : ' ';
    const escape = (s: string): string => (escapeWhitespaces ? s.replaceAll(' ', SPACE_SYMBOL) : s);
    if (!removeExtraWhitespaces) return input === '' ? '' : (addDummyPrefix ? space : '') + escape(input);

    // SentencePiece reads the input in units (a user-defined symbol or one character) and drops the spaces
    // that open a unit following a space, so a user-defined symbol keeps its inner spaces.
    let output = addDummyPrefix ? space : '';
    let previousSpace = true;
    let any = false;
    for (let i = 0; i < input.length;) {
      const length = this.matchUserSymbol(input, i) || charLength(input, i);
      let unit = input.slice(i, i + length);
      i += length;
      if (previousSpace) unit = unit.replace(/^ +/, '');
      if (unit === '') continue;
      output += escape(unit);
      any = true;
      previousSpace = unit.endsWith(' ');
    }
    if (!any) return '';
    while (output.endsWith(space)) output = output.slice(0, -space.length);
    return output;
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of this.mergePieces(this.normalize(text))) {
      const id = this.pieceToId(piece);
      if (id !== this.unkId) ids.push(id);
      else if (this.model.trainerSpec.byteFallback) {
        for (const byte of new TextEncoder().encode(piece)) ids.push(this.byteIds[byte]!);
      } else if (ids[ids.length - 1] !== this.unkId) {
        ids.push(id); // SentencePiece merges a run of unknown pieces into one
      }
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    const decoder = new PieceDecoder(this);
    let text = '';
    for (const id of ids) text += decoder.push(id);
    return text + decoder.finish();
  }

  /** Byte value of a `<0xXX>` piece, -1 for other ids. */
  byteValue(id: number): number {
    return this.byteOf[id] ?? -1;
  }

  isControl(id: number): boolean {
    return this.model.pieces[id]?.type === PieceType.CONTROL;
  }

  /** The text of a non-byte piece; `atStart`: the first piece after control ones, whose dummy-prefix space is dropped. */
  surface(id: number, atStart: boolean): string {
    const piece = this.idToPiece(id);
    const { type } = this.model.pieces[id]!;
    if (type === PieceType.CONTROL) return '';
    if (type === PieceType.UNKNOWN) return this.model.trainerSpec.unkSurface;
    const { addDummyPrefix, removeExtraWhitespaces } = this.model.normalizerSpec;
    const text =
      atStart && (addDummyPrefix || removeExtraWhitespaces) && piece.startsWith(SPACE_SYMBOL) ? piece.slice(1) : piece;
    return text.replaceAll(SPACE_SYMBOL, ' ');
  }

  /** Length of the longest user-defined symbol at `at`, 0 when none. */
  private matchUserSymbol(text: string, at: number): number {
    for (const symbol of this.userSymbols.get(text[at]!) ?? []) if (text.startsWith(symbol, at)) return symbol.length;
    return 0;
  }

  /** BPE over the normalized text: SentencePiece's agenda of adjacent pairs, merged best score first. */
  private mergePieces(normalized: string): string[] {
    const symbols: string[] = [];
    const frozen: boolean[] = [];
    for (let i = 0; i < normalized.length;) {
      const user = this.matchUserSymbol(normalized, i);
      const length = user || charLength(normalized, i);
      symbols.push(normalized.slice(i, i + length));
      frozen.push(user > 0);
      i += length;
    }
    const count = symbols.length;
    const prev = Int32Array.from({ length: count }, (_, i) => i - 1);
    const next = Int32Array.from({ length: count }, (_, i) => (i + 1 < count ? i + 1 : -1));
    const agenda = new TinyQueue<Candidate>([], byPriority);
    // Halves of UNUSED pieces met while merging: such a piece is split back into them at the end.
    const unusedHalves = new Map<string, [string, string]>();
    const pieces = this.model.pieces;

    const consider = (left: number, right: number): void => {
      if (left < 0 || right < 0 || frozen[left] || frozen[right]) return;
      const merged = symbols[left]! + symbols[right]!;
      const id = this.mergeable.get(merged);
      if (id === undefined) return;
      agenda.push({ left, right, score: pieces[id]!.score, size: merged.length });
      if (pieces[id]!.type === PieceType.UNUSED) unusedHalves.set(merged, [symbols[left]!, symbols[right]!]);
    };

    for (let i = 1; i < count; i++) consider(i - 1, i);
    for (let top = agenda.pop(); top; top = agenda.pop()) {
      const left = symbols[top.left]!;
      const right = symbols[top.right]!;
      if (left === '' || right === '' || left.length + right.length !== top.size) continue;
      symbols[top.left] = left + right;
      symbols[top.right] = '';
      next[top.left] = next[top.right]!;
      if (next[top.right]! >= 0) prev[next[top.right]!] = top.left;
      consider(prev[top.left]!, top.left);
      consider(top.left, next[top.left]!);
    }

    const output: string[] = [];
    const resegment = (piece: string): void => {
      const halves = pieces[this.pieceToId(piece)]!.type === PieceType.UNUSED ? unusedHalves.get(piece) : undefined;
      if (!halves) output.push(piece);
      else for (const half of halves) resegment(half);
    };
    for (let i = count > 0 ? 0 : -1; i >= 0; i = next[i]!) resegment(symbols[i]!);
    return output;
  }
}

/**
 * Turns ids into text one at a time, exactly as SentencePiece's batch decode would: byte pieces are gathered
 * into characters, and bytes of a character still incomplete wait for the next id.
 */
export class PieceDecoder {
  private readonly bytes: number[] = [];
  private sawPiece = false;
  private wroteText = false;

  constructor(private readonly sentencePiece: SentencePiece) {}

  /** The text this id completes (often ''). */
  push(id: number): string {
    const byte = this.sentencePiece.byteValue(id);
    if (byte >= 0) {
      this.sawPiece = true;
      this.bytes.push(byte);
      return this.drainBytes(false);
    }
    // Pending bytes come out before this piece, so they count as text already written.
    const bytes = this.drainBytes(true);
    const atStart = this.atStart();
    if (!this.sentencePiece.isControl(id)) this.sawPiece = true;
    return bytes + this.write(this.sentencePiece.surface(id, atStart));
  }

  /** Text held back at the end: bytes of an unfinished character become one U+FFFD each, as in SentencePiece. */
  finish(): string {
    return this.drainBytes(true);
  }

  private write(text: string): string {
    if (text !== '') this.wroteText = true;
    return text;
  }

  /**
   * Whether the next piece loses its leading "▁". SentencePiece strips it from the first piece that is not a
   * control one; with remove_extra_whitespaces, from every piece until some text has come out.
   */
  private atStart(): boolean {
    return this.sentencePiece.model.normalizerSpec.removeExtraWhitespaces ? !this.wroteText : !this.sawPiece;
  }

  private drainBytes(final: boolean): string {
    const { bytes } = this;
    let text = '';
    let at = 0;
    while (at < bytes.length && (final || !isIncomplete(bytes, at, bytes.length))) {
      const char = decodeChar(bytes, at, bytes.length);
      text += char ? String.fromCodePoint(char.codePoint) : REPLACEMENT;
      at += char ? char.length : 1;
    }
    bytes.splice(0, at);
    return this.write(text);
  }
}

/** UTF-16 length of the code point at `at`. */
function charLength(text: string, at: number): number {
  return text.codePointAt(at)! > 0xffff ? 2 : 1;
}
