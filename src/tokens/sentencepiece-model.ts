// Reads the parts of SentencePiece's `ModelProto` (sentencepiece_model.proto, proto2) that encoding and
// decoding need. Field numbers and proto2 defaults follow that schema; unknown fields are skipped.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { TokenizerError } from './errors.ts';

export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;
export type PieceType = (typeof PieceType)[keyof typeof PieceType];

export type ModelType = 'unigram' | 'bpe' | 'word' | 'char';
const MODEL_TYPES: Record<number, ModelType> = { 1: 'unigram', 2: 'bpe', 3: 'word', 4: 'char' };

export interface Piece {
  piece: string;
  score: number;
  type: PieceType;
}

export interface TrainerSpec {
  modelType: ModelType;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  bosId: number;
  eosId: number;
  /** What an `<unk>` id decodes to. */
  unkSurface: string;
}

export interface NormalizerSpec {
  name: string;
  /** Empty for the identity normalizer. */
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface SentencePieceModel {
  pieces: Piece[];
  trainerSpec: TrainerSpec;
  normalizerSpec: NormalizerSpec;
}

type FieldReader = (reader: BinaryReader, field: number, wireType: WireType) => boolean;

/** Calls `read` for every field; fields it does not take are skipped. */
function readFields(bytes: Uint8Array, read: FieldReader): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (!read(reader, field, wireType)) reader.skip(wireType, field);
  }
}

function expect(wireType: WireType, wanted: WireType, what: string): void {
  if (wireType !== wanted) throw new Error(`field ${what} has wire type ${wireType}, expected ${wanted}`);
}

function readPiece(bytes: Uint8Array): Piece {
  const piece: Piece = { piece: '', score: 0, type: PieceType.NORMAL };
  readFields(bytes, (reader, field, wireType) => {
    if (field === 1) {
      expect(wireType, WireType.LengthDelimited, 'piece');
      piece.piece = reader.string();
    } else if (field === 2) {
      expect(wireType, WireType.Bit32, 'score');
      piece.score = reader.float();
    } else if (field === 3) {
      expect(wireType, WireType.Varint, 'type');
      const type = reader.int32();
      if (!Object.values<number>(PieceType).includes(type)) throw new Error(`unknown piece type ${type}`);
      piece.type = type as PieceType;
    } else return false;
    return true;
  });
  return piece;
}

function readTrainerSpec(bytes: Uint8Array): TrainerSpec {
  const spec: TrainerSpec = {
    modelType: 'unigram',
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    bosId: 1,
    eosId: 2,
    unkSurface: ' \u2047 ',
  };
  readFields(bytes, (reader, field, wireType) => {
    const varint = (name: string): number => {
      expect(wireType, WireType.Varint, name);
      return reader.int32();
    };
    switch (field) {
      case 3: {
        const type = varint('model_type');
        const name = MODEL_TYPES[type];
        if (!name) throw new Error(`unknown model_type ${type}`);
        spec.modelType = name;
        return true;
      }
      case 24:
        spec.treatWhitespaceAsSuffix = varint('treat_whitespace_as_suffix') !== 0;
        return true;
      case 35:
        spec.byteFallback = varint('byte_fallback') !== 0;
        return true;
      case 41:
        spec.bosId = varint('bos_id');
        return true;
      case 42:
        spec.eosId = varint('eos_id');
        return true;
      case 44:
        expect(wireType, WireType.LengthDelimited, 'unk_surface');
        spec.unkSurface = reader.string();
        return true;
      default:
        return false;
    }
  });
  return spec;
}

function readNormalizerSpec(bytes: Uint8Array): NormalizerSpec {
  const spec: NormalizerSpec = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  readFields(bytes, (reader, field, wireType) => {
    if (field === 1 || field === 2) {
      expect(wireType, WireType.LengthDelimited, field === 1 ? 'name' : 'precompiled_charsmap');
      if (field === 1) spec.name = reader.string();
      else spec.precompiledCharsmap = reader.bytes();
      return true;
    }
    if (field >= 3 && field <= 5) {
      expect(wireType, WireType.Varint, 'normalizer flag');
      const value = reader.bool();
      if (field === 3) spec.addDummyPrefix = value;
      else if (field === 4) spec.removeExtraWhitespaces = value;
      else spec.escapeWhitespaces = value;
      return true;
    }
    return false;
  });
  return spec;
}

/** Parses a `tokenizer.model`; `source` names the file in error messages. */
export function parseSentencePieceModel(bytes: Uint8Array, source: string): SentencePieceModel {
  const pieces: Piece[] = [];
  let trainerSpec: TrainerSpec | undefined;
  let normalizerSpec: NormalizerSpec | undefined;
  try {
    readFields(bytes, (reader, field, wireType) => {
      if (field < 1 || field > 3) return false;
      expect(wireType, WireType.LengthDelimited, `ModelProto.${field}`);
      const body = reader.bytes();
      if (field === 1) pieces.push(readPiece(body));
      else if (field === 2) trainerSpec = readTrainerSpec(body);
      else normalizerSpec = readNormalizerSpec(body);
      return true;
    });
  } catch (error) {
    throw notAModel(source, (error as Error).message);
  }
  if (pieces.length === 0 || !trainerSpec) throw notAModel(source, 'it has no pieces or no trainer_spec');
  // A model without normalizer_spec uses the schema defaults, as SentencePiece does.
  return { pieces, trainerSpec, normalizerSpec: normalizerSpec ?? readNormalizerSpec(new Uint8Array(0)) };
}

function notAModel(source: string, why: string): TokenizerError {
  return new TokenizerError(
    'model-invalid',
    `${source} is not a SentencePiece tokenizer.model (${why}).`,
    'Use the tokenizer.model file that ships with the LLaMA/Vicuna checkpoint.',
  );
}
