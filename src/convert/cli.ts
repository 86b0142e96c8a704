// npm run convert -- <checkpoint> <out-dir> [--weights fp32|fp16|int8|int4] [--activations int8|fp32] [--name NAME] [--card URL|PATH] [--force]
import { parseArgs } from 'node:util';
import { CheckpointError } from '../checkpoint/index.ts';
import type { ActivationPrecision, WeightPrecision } from '../onnx/linear.ts';
import { convert } from './convert.ts';
import { ConvertError } from './errors.ts';

const PRECISIONS: readonly WeightPrecision[] = ['fp32', 'fp16', 'int8', 'int4'];
const ACTIVATIONS: readonly ActivationPrecision[] = ['int8', 'fp32'];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      weights: { type: 'string', default: 'fp32' },
      activations: { type: 'string', default: 'int8' },
      name: { type: 'string' },
      card: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const [source, outDir] = positionals;
  const precision = values.weights as WeightPrecision;
  const activations = values.activations as ActivationPrecision;
  if (!source || !outDir || positionals.length > 2 || !PRECISIONS.includes(precision) || !ACTIVATIONS.includes(activations)) {
    console.error('usage: npm run convert -- <checkpoint file or folder> <out-dir> [--weights fp32|fp16|int8|int4] [--activations int8|fp32] [--name NAME] [--card URL|PATH] [--force]');
    return 2;
  }
  const started = Date.now();
  try {
    const manifest = await convert(source, outDir, {
      precision,
      activations,
      force: values.force,
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values.card === undefined ? {} : { card: values.card }),
      log: (line) => console.log(line),
    });
    const total = Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0);
    console.log(`wrote ${outDir}: ${precision}, ${(total / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof ConvertError || error instanceof CheckpointError) {
      const where = [error.file, error.tensor && `tensor ${error.tensor}`].filter(Boolean).join(', ');
      console.error(`conversion failed${where ? ` (${where})` : ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
