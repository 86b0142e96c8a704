// Model package → checkpoint folder (model.safetensors, config.json, tokenizer.model): the converter run
// backwards, so that training can continue from a shipped fp32 package when its training checkpoint is gone.
// Each graph weight is mapped back to the checkpoint tensors it was built from (src/*/graph.ts), undoing the
// converter's transposes, concatenations and tanh. Two things a package cannot give back: the CLS token, which
// the vision graph adds into the first position row (it comes back as zeros, that row holding the sum: the
// same computation), and the vision tower's final norm and CLIP head, which InfiMM-HD never uses.
import { fromBinary } from '@bufbuild/protobuf';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelProtoSchema, TensorProto_DataType, type GraphProto, type TensorProto } from 'onnx-buf';
import { writeSafetensors, type F32Tensor } from '../checkpoint/safetensors-writer.ts';
import { transpose } from '../onnx/linear-weights.ts';
import { crossKey, decoderKey, LM } from '../package/keys.ts';
import type { Manifest, OcrContextSpec } from '../package/manifest.ts';
import { readManifest, verifyPackage } from '../package/verify.ts';
import { ConvertError } from './errors.ts';

type Tensors = Map<string, F32Tensor>;

/** Every external float32 weight of a graph and of its If branches, by initializer name. */
function graphWeights(dir: string, file: string): Map<string, Float32Array> {
  const model = fromBinary(ModelProtoSchema, readFileSync(join(dir, file)));
  const out = new Map<string, Float32Array>();
  const fds = new Map<string, number>();
  const read = (t: TensorProto) => {
    const field = (key: string) => t.externalData.find((e) => e.key === key)?.value;
    const location = field('location');
    if (location === undefined) return; // a small constant stored in the graph itself
    if (t.dataType !== TensorProto_DataType.FLOAT)
      throw new ConvertError(`weight ${t.name} is not float32`, join(dir, file), t.name, 'checkpoint');
    let fd = fds.get(location);
    if (fd === undefined) fds.set(location, (fd = openSync(join(dir, location), 'r')));
    const bytes = Buffer.alloc(Number(field('length')));
    readSync(fd, bytes, 0, bytes.length, Number(field('offset')));
    out.set(t.name, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  };
  const walk = (graph: GraphProto) => {
    graph.initializer.forEach(read);
    for (const node of graph.node) for (const attr of node.attribute) if (attr.g) walk(attr.g);
  };
  try {
    if (model.graph) walk(model.graph);
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  return out;
}

/** Reads the weights of one graph by their path under the graph's name; a missing one is a broken package. */
function reader(dir: string, graph: string) {
  const weights = graphWeights(dir, `${graph}.onnx`);
  const take = (path: string) => {
    const found = weights.get(`/${graph}/${path}`);
    if (!found) throw new ConvertError(`the package has no weight /${graph}/${path}`, join(dir, `${graph}.onnx`));
    return found;
  };
  return {
    take,
    /** A Linear layer's W [n, k] (the package stores Wᵀ). */
    linear: (path: string, n: number, k: number) => transpose(take(`${path}/weight`), k, n),
  };
}

/** Rows [from, from + count) of a row-major matrix with `cols` columns. */
function rows(data: Float32Array, from: number, count: number, cols: number): Float32Array {
  return data.slice(from * cols, (from + count) * cols);
}

function checkpointTensors(dir: string, manifest: Manifest): Tensors {
  const { vision: v, language: lm, crossAttention: xa } = manifest.architecture;
  const out: Tensors = new Map();
  const put = (name: string, data: Float32Array, shape: number[]) => out.set(name, { data, shape });

  const vis = reader(dir, 'vision');
  const V = 'vision_encoder.';
  const D = v.width;
  put(`${V}patch_embed.proj.weight`, vis.take('embeddings/patch.weight'), [D, 3, v.patchSize, v.patchSize]);
  put(`${V}patch_embed.proj.bias`, vis.take('embeddings/patch.bias'), [D]);
  put(`${V}pos_embed`, vis.take('embeddings/cls_pos'), [1, v.tokensPerView, D]);
  put(`${V}cls_token`, new Float32Array(D), [1, 1, D]);
  for (let i = 0; i < v.layers; i++) {
    const b = `blocks.${i}/`;
    const key = `${V}blocks.${i}.`;
    put(`${key}attn.qkv.weight`, vis.linear(`${b}attn.qkv`, 3 * D, D), [3 * D, D]);
    const qkvBias = vis.take(`${b}attn.qkv/bias`); // q, a zero k, v
    put(`${key}attn.q_bias`, qkvBias.slice(0, D), [D]);
    put(`${key}attn.v_bias`, qkvBias.slice(2 * D), [D]);
    put(`${key}attn.proj.weight`, vis.linear(`${b}attn.proj`, D, D), [D, D]);
    put(`${key}attn.proj.bias`, vis.take(`${b}attn.proj/bias`), [D]);
    put(`${key}mlp.fc1.weight`, vis.linear(`${b}mlp.fc1`, v.mlpHidden, D), [v.mlpHidden, D]);
    put(`${key}mlp.fc1.bias`, vis.take(`${b}mlp.fc1/bias`), [v.mlpHidden]);
    put(`${key}mlp.fc2.weight`, vis.linear(`${b}mlp.fc2`, D, v.mlpHidden), [D, v.mlpHidden]);
    put(`${key}mlp.fc2.bias`, vis.take(`${b}mlp.fc2/bias`), [D]);
    for (const norm of ['norm1', 'norm2']) {
      put(`${key}${norm}.weight`, vis.take(`${b}${norm}.weight`), [D]);
      put(`${key}${norm}.bias`, vis.take(`${b}${norm}.bias`), [D]);
    }
  }

  const inner = xa.heads * xa.dimHead;
  const mem = reader(dir, 'memory');
  for (const [b, layer] of xa.decoderLayers.entries()) {
    put(crossKey(layer, 'attn.to_kv.weight'), mem.linear(`cross.${b}/to_kv`, 2 * inner, D), [2 * inner, D]);
  }

  const dec = reader(dir, 'decoder');
  const H = lm.hiddenSize;
  const I = lm.intermediateSize;
  const qDim = lm.heads * lm.headDim;
  const kvDim = lm.kvHeads * lm.headDim;
  put(`${LM}model.embed_tokens.weight`, dec.take('embed_tokens/weight'), [lm.vocabSize, H]);
  put(`${LM}model.norm.weight`, dec.take('norm.weight'), [H]);
  put(`${LM}lm_head.weight`, dec.linear('lm_head', lm.vocabSize, H), [lm.vocabSize, H]);
  for (const layer of xa.decoderLayers) {
    const b = `layers.${layer}.gated_cross_attn/`;
    const k = (name: string) => crossKey(layer, name);
    for (const norm of ['attn.norm', 'ff.0']) {
      put(k(`${norm}.weight`), dec.take(`${b}${norm}.weight`), [H]);
      put(k(`${norm}.bias`), dec.take(`${b}${norm}.bias`), [H]);
    }
    put(k('attn.to_q.weight'), dec.linear(`${b}attn.to_q`, inner, H), [inner, H]);
    put(k('attn.to_out.weight'), dec.linear(`${b}attn.to_out`, H, inner), [H, inner]);
    put(k('ff.1.weight'), dec.linear(`${b}ff.1`, H * xa.ffMult, H), [H * xa.ffMult, H]);
    put(k('ff.3.weight'), dec.linear(`${b}ff.3`, H, H * xa.ffMult), [H, H * xa.ffMult]);
    for (const gate of ['attn_gate', 'ff_gate']) put(k(gate), dec.take(`${b}${gate}.tanh`).map(Math.atanh), [H]);
  }
  for (let layer = 0; layer < lm.layers; layer++) {
    const b = `layers.${layer}/`;
    const k = (name: string) => decoderKey(layer, name);
    const qkv = dec.linear(`${b}self_attn.qkv_proj`, qDim + 2 * kvDim, H);
    put(k('self_attn.q_proj.weight'), rows(qkv, 0, qDim, H), [qDim, H]);
    put(k('self_attn.k_proj.weight'), rows(qkv, qDim, kvDim, H), [kvDim, H]);
    put(k('self_attn.v_proj.weight'), rows(qkv, qDim + kvDim, kvDim, H), [kvDim, H]);
    put(k('self_attn.o_proj.weight'), dec.linear(`${b}self_attn.o_proj`, H, qDim), [H, qDim]);
    const gateUp = dec.linear(`${b}mlp.gate_up_proj`, 2 * I, H);
    put(k('mlp.gate_proj.weight'), rows(gateUp, 0, I, H), [I, H]);
    put(k('mlp.up_proj.weight'), rows(gateUp, I, I, H), [I, H]);
    put(k('mlp.down_proj.weight'), dec.linear(`${b}mlp.down_proj`, H, I), [H, I]);
    put(k('input_layernorm.weight'), dec.take(`${b}input_layernorm.weight`), [H]);
    put(k('post_attention_layernorm.weight'), dec.take(`${b}post_attention_layernorm.weight`), [H]);
  }
  return out;
}

/** The manifest's OCR context as config.json writes it (src/convert/convert.ts reads it back). */
function ocrContextConfig({ maxTokens, lineNumbers }: OcrContextSpec): Record<string, unknown> {
  return { max_tokens: maxTokens, ...(lineNumbers ? { line_numbers: true } : {}) };
}

/** The InfiMM-HD config.json of the package's architecture, in the layout the converter and the trainer read. */
function checkpointConfig(manifest: Manifest): Record<string, unknown> {
  const { vision: v, language: lm, crossAttention: xa } = manifest.architecture;
  const { tokens } = manifest;
  return {
    model_type: 'infimmhd',
    architectures: ['InfiMMHDModel'],
    _name_or_path: manifest.name,
    cross_attn_every_n_layers: xa.everyNLayers,
    eoc_token_id: tokens.endOfChunk,
    image_token_id: tokens.image,
    seq_length: lm.maxPositions,
    visual: {
      image_size: v.imageSize,
      patch_size: v.patchSize,
      width: v.width,
      layers: v.layers,
      head_width: v.width / v.heads,
      mlp_ratio: v.mlpHidden / v.width,
      layer_norm_eps: v.layerNormEps,
    },
    language: {
      vocab_size: lm.vocabSize,
      hidden_size: lm.hiddenSize,
      intermediate_size: lm.intermediateSize,
      num_hidden_layers: lm.layers,
      num_attention_heads: lm.heads,
      num_key_value_heads: lm.kvHeads,
      rms_norm_eps: lm.rmsNormEps,
      rope_theta: lm.ropeTheta,
      max_position_embeddings: lm.maxPositions,
      bos_token_id: tokens.bos,
      eos_token_id: tokens.eos,
      pad_token_id: tokens.pad,
    },
    cross_attention: { heads: xa.heads, dim_head: xa.dimHead, ff_mult: xa.ffMult },
    ...(manifest.prompt.ocrContext ? { ocr_context: ocrContextConfig(manifest.prompt.ocrContext) } : {}),
  };
}

/** Writes the checkpoint folder `outDir` (replacing it when `force`) from the fp32 package in `packageDir`. */
export async function unpack(packageDir: string, outDir: string, force = false): Promise<Manifest> {
  const manifest = readManifest(packageDir);
  await verifyPackage(packageDir, manifest);
  if (manifest.weights.precision !== 'fp32')
    throw new ConvertError(
      `the package's weights are ${manifest.weights.precision}; only an fp32 package holds the trained weights exactly`,
      packageDir,
    );
  if (existsSync(outDir) && !force)
    throw new ConvertError('the output folder exists; pass --force to replace it', outDir, undefined, 'output');
  const temp = join(dirname(resolve(outDir)), `.${basename(outDir)}.partial-${process.pid}`);
  try {
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    writeSafetensors(join(temp, 'model.safetensors'), checkpointTensors(packageDir, manifest));
    writeFileSync(join(temp, 'config.json'), `${JSON.stringify(checkpointConfig(manifest), null, 2)}\n`);
    copyFileSync(join(packageDir, manifest.tokenizer), join(temp, 'tokenizer.model'));
    rmSync(outDir, { recursive: true, force: true });
    renameSync(temp, outDir);
    return manifest;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}
