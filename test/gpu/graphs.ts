// One-node ONNX graphs for the provider tests: Relu runs on every provider, Round has no WebGPU kernel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, GraphBuilder } from '../../src/onnx/graph.ts';
import { WeightFile } from '../../src/onnx/weight-file.ts';

export function oneNodeGraph(op: 'Relu' | 'Round', name = `${op.toLowerCase()}.onnx`): string {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-graph-'));
  const weights = new WeightFile(dir, 'weights.bin');
  const g = new GraphBuilder(op, weights);
  g.output(g.op(op, [g.input('x', DataType.FLOAT, [2, 3])]), 'y', DataType.FLOAT, [2, 3]);
  weights.close();
  writeFileSync(join(dir, name), g.toBytes(op));
  return join(dir, name);
}
