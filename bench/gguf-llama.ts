// The language model of an InfiMM-HD checkpoint (LLaMA layers, embeddings, final norm, head: what runs for a
// prompt without <image>) as a GGUF file for llama.cpp, with the checkpoint's own weights, in F32 or Q4_0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckpoint } from '../src/checkpoint/index.ts';
import { decoderKey, LM } from '../src/package/keys.ts';
import type { Architecture, TokenIds } from '../src/package/manifest.ts';
import { parseSentencePieceModel, PieceType } from '../src/tokens/sentencepiece-model.ts';
import { END_OF_CHUNK, IMAGE_TOKEN } from '../src/tokens/tokenizer.ts';
import { GgmlType, writeGguf, type GgufTensor, type GgufValue } from './gguf.ts';

export type GgufPrecision = 'F32' | 'Q4_0';

/**
 * HF LLaMA rotates the two halves of each head (rotate_half); llama.cpp rotates adjacent pairs. Reordering each
 * head's rows from [x₀…x_{h/2-1}, y₀…y_{h/2-1}] to [x₀, y₀, x₁, y₁, …] makes llama.cpp's RoPE compute HF's
 * (llama.cpp's converter permutes q_proj and k_proj the same way). q·k is unchanged: both get the same order.
 */
export function interleaveHeads(w: Float32Array, heads: number, headDim: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < half; j++) {
      for (const [part, target] of [
        [0, 2 * j],
        [1, 2 * j + 1],
      ] as const) {
        const from = (h * headDim + part * half + j) * cols;
        out.set(w.subarray(from, from + cols), (h * headDim + target) * cols);
      }
    }
  }
  return out;
}

/** tokenizer.ggml.* for llama.cpp's SentencePiece ("llama") vocabulary: the pieces, then the two added tokens. */
export function tokenizerMetadata(
  tokenizerFile: string,
  tokens: TokenIds,
  vocabSize: number,
): Record<string, GgufValue> {
  const model = parseSentencePieceModel(readFileSync(tokenizerFile), tokenizerFile);
  const pieces = [...model.pieces];
  // InfiMM-HD's added tokens sit right after the SentencePiece vocabulary; llama.cpp's token types use
  // SentencePiece's numbering, so the piece types carry over as they are.
  pieces[tokens.endOfChunk] = { piece: END_OF_CHUNK, score: 0, type: PieceType.USER_DEFINED };
  pieces[tokens.image] = { piece: IMAGE_TOKEN, score: 0, type: PieceType.USER_DEFINED };
  if (pieces.length !== vocabSize || pieces.some((p) => p === undefined)) {
    throw new Error(
      `${tokenizerFile}: ${model.pieces.length} pieces + 2 added tokens do not make the model's vocabulary of ${vocabSize}`,
    );
  }
  const unknown = pieces.findIndex((p) => p.type === PieceType.UNKNOWN);
  return {
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: pieces.map((p) => p.piece) },
    'tokenizer.ggml.scores': { type: 'f32[]', value: pieces.map((p) => p.score) },
    'tokenizer.ggml.token_type': { type: 'i32[]', value: pieces.map((p) => p.type) },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: tokens.bos },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: tokens.eos },
    ...(unknown >= 0 ? { 'tokenizer.ggml.unknown_token_id': { type: 'u32', value: unknown } as const } : {}),
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
  };
}

export interface LlamaGguf {
  metadata: Record<string, GgufValue>;
  /** Each reads its weights from the checkpoint when written. */
  tensors: GgufTensor[];
  close(): Promise<void>;
}

/**
 * The checkpoint's language model as GGUF metadata and tensors. F32 stores every weight as float32. Q4_0
 * quantises every matrix, head included, and keeps the embeddings in F16, as our int4 packages do (a row lookup
 * needs no quantised kernel); norms stay F32 either way.
 */
export async function llamaGguf(
  checkpointDir: string,
  arch: Architecture,
  tokens: TokenIds,
  precision: GgufPrecision,
): Promise<LlamaGguf> {
  const lm = arch.language;
  const D = lm.hiddenSize;
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: 'InfiMM-HD language model' },
    'general.file_type': { type: 'u32', value: precision === 'Q4_0' ? 2 : 0 }, // llama.cpp's MOSTLY_Q4_0 or ALL_F32
    'general.quantization_version': { type: 'u32', value: 2 },
    'llama.context_length': { type: 'u32', value: lm.maxPositions },
    'llama.embedding_length': { type: 'u32', value: D },
    'llama.block_count': { type: 'u32', value: lm.layers },
    'llama.feed_forward_length': { type: 'u32', value: lm.intermediateSize },
    'llama.attention.head_count': { type: 'u32', value: lm.heads },
    'llama.attention.head_count_kv': { type: 'u32', value: lm.kvHeads },
    'llama.attention.key_length': { type: 'u32', value: lm.headDim },
    'llama.attention.value_length': { type: 'u32', value: lm.headDim },
    'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: lm.rmsNormEps },
    'llama.rope.dimension_count': { type: 'u32', value: lm.headDim },
    'llama.rope.freq_base': { type: 'f32', value: lm.ropeTheta },
    'llama.vocab_size': { type: 'u32', value: lm.vocabSize },
    ...tokenizerMetadata(join(checkpointDir, 'tokenizer.model'), tokens, lm.vocabSize),
  };
  // Opened last: nothing above can fail with it open.
  const checkpoint = await openCheckpoint(checkpointDir);
  const read = (name: string) => () => checkpoint.readFloat32(name);
  const matrix = precision === 'Q4_0' ? GgmlType.Q4_0 : GgmlType.F32;
  const tensors: GgufTensor[] = [
    {
      name: 'token_embd.weight',
      shape: [lm.vocabSize, D],
      type: precision === 'Q4_0' ? GgmlType.F16 : GgmlType.F32,
      data: read(`${LM}model.embed_tokens.weight`),
    },
  ];
  for (let i = 0; i < lm.layers; i++) {
    const key = (name: string) => decoderKey(i, name);
    const layer = (name: string, shape: number[], type: GgmlType, data: () => Promise<Float32Array>) =>
      tensors.push({ name: `blk.${i}.${name}.weight`, shape, type, data });
    layer('attn_norm', [D], GgmlType.F32, read(key('input_layernorm.weight')));
    layer('attn_q', [lm.heads * lm.headDim, D], matrix, async () =>
      interleaveHeads(await checkpoint.readFloat32(key('self_attn.q_proj.weight')), lm.heads, lm.headDim, D),
    );
    layer('attn_k', [lm.kvHeads * lm.headDim, D], matrix, async () =>
      interleaveHeads(await checkpoint.readFloat32(key('self_attn.k_proj.weight')), lm.kvHeads, lm.headDim, D),
    );
    layer('attn_v', [lm.kvHeads * lm.headDim, D], matrix, read(key('self_attn.v_proj.weight')));
    layer('attn_output', [D, lm.heads * lm.headDim], matrix, read(key('self_attn.o_proj.weight')));
    layer('ffn_norm', [D], GgmlType.F32, read(key('post_attention_layernorm.weight')));
    layer('ffn_gate', [lm.intermediateSize, D], matrix, read(key('mlp.gate_proj.weight')));
    layer('ffn_up', [lm.intermediateSize, D], matrix, read(key('mlp.up_proj.weight')));
    layer('ffn_down', [D, lm.intermediateSize], matrix, read(key('mlp.down_proj.weight')));
  }
  tensors.push({ name: 'output_norm.weight', shape: [D], type: GgmlType.F32, data: read(`${LM}model.norm.weight`) });
  tensors.push({ name: 'output.weight', shape: [lm.vocabSize, D], type: matrix, data: read(`${LM}lm_head.weight`) });

  return { metadata, tensors, close: () => checkpoint.close() };
}

/** Writes the checkpoint's language model as a GGUF file; returns its size in bytes. */
export async function writeLlamaGguf(
  checkpointDir: string,
  arch: Architecture,
  tokens: TokenIds,
  precision: GgufPrecision,
  out: string,
): Promise<number> {
  const gguf = await llamaGguf(checkpointDir, arch, tokens, precision);
  try {
    return await writeGguf(out, gguf.metadata, gguf.tensors);
  } finally {
    await gguf.close();
  }
}
