// The checkpoint a reduced-precision package stands for: every Linear weight replaced by its block-quantised
// and dequantised values (fp16-rounded for fp16 packages), the embeddings fp16-rounded — written as F32
// safetensors, so the PyTorch reference can run on exactly the weights our kernels use.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../../src/checkpoint/index.ts';
import type { WeightPrecision } from '../../src/common/precision.ts';
import { fromHalfBits, toHalf } from '../../src/onnx/half.ts';
import { QUANT_BLOCK } from '../../src/onnx/linear-weights.ts';
import { dequantize, quantize } from '../../src/onnx/quantize.ts';
import { writeSafetensors, type F32Tensor } from '../../src/checkpoint/safetensors-writer.ts';

function halfRound(data: Float32Array): Float32Array {
  return Float32Array.from(toHalf(data), fromHalfBits);
}

function asStored(name: string, shape: number[], data: Float32Array, precision: WeightPrecision): Float32Array {
  if (precision === 'fp32') return data;
  if (name.endsWith('embed_tokens.weight')) return halfRound(data);
  // Every 2-D weight goes through a Linear in the graphs; convolutions, norms, biases and tables do not.
  if (shape.length !== 2 || !name.endsWith('.weight')) return data;
  if (precision === 'fp16') return halfRound(data);
  return dequantize(quantize(data, shape[0]!, shape[1]!, precision === 'int4' ? 4 : 8, QUANT_BLOCK));
}

export async function dequantizedCheckpoint(checkpointDir: string, precision: WeightPrecision): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), 'infimm-dq-'));
  process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
  const out = join(parent, 'checkpoint');
  mkdirSync(out);
  const checkpoint = await openCheckpoint(checkpointDir);
  const tensors = new Map<string, F32Tensor>();
  for (const entry of checkpoint.entries) {
    const data = asStored(entry.names[0]!, entry.shape, await checkpoint.readFloat32(entry.names[0]!), precision);
    // Every alias is written, so the reference's strict key check sees the checkpoint it expects.
    for (const name of entry.names) tensors.set(name, { shape: entry.shape, data });
  }
  await checkpoint.close();
  writeSafetensors(join(out, 'model.safetensors'), tensors);
  for (const f of ['config.json', 'tokenizer.model']) copyFileSync(join(checkpointDir, f), join(out, f));
  return out;
}
