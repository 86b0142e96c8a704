// What a graph builder works with: the graph, the model's architecture, the checkpoint's tensors, and the layers
// whose weights the package's precision decides (Linear, embeddings). The precision is chosen here, once per
// graph, so a builder never passes it along.
import type { GraphProto } from 'onnx-buf';
import type { ActivationPrecision, WeightFormat } from '../common/precision.ts';
import type { DataType, Dim, GraphBuilder } from './graph.ts';
import { embedding, linear, type EmbeddingArgs, type LinearArgs } from './linear.ts';
import { weightPass, type WeightPass } from './linear-weights.ts';
import type { Quantize } from './quantize-workers.ts';
import type { LoadTensor } from './tensors.ts';

export interface GraphContext<Arch> {
  readonly g: GraphBuilder;
  readonly arch: Arch;
  readonly load: LoadTensor;
  /** y = x·Wᵀ (+ b) for a PyTorch Linear weight W [N, K]. */
  linear(args: LinearArgs): string;
  /** The rows of an embedding table at `ids`. */
  embedding(args: EmbeddingArgs): string;
  /** A nested graph (an If branch, src/onnx/graph.ts) built with a context of its own. */
  subgraph(
    name: string,
    output: { elemType: DataType; dims: Dim[] },
    build: (ctx: GraphContext<Arch>) => string | Promise<string>,
  ): Promise<GraphProto>;
}

export interface GraphSetup<Arch> {
  arch: Arch;
  load: LoadTensor;
  format: WeightFormat;
  /** How int8/int4 weights are quantised: on this thread by default, or spread over the converter's worker threads. */
  quantize?: Quantize;
  /** Told of the loaded weights a Linear layer is done with once it has stored them (their buffers may be reused). */
  release?: (weights: readonly Float32Array[]) => void;
}

export function graphContext<Arch>(
  g: GraphBuilder,
  { arch, load, format, quantize, release }: GraphSetup<Arch>,
): GraphContext<Arch> {
  return bind(g, arch, load, {
    pass: weightPass(format.precision, quantize),
    activations: format.activations ?? 'int8',
    release,
  });
}

/** How a context's Linear layers and embeddings store their weights. */
interface Layers {
  pass: WeightPass;
  activations: ActivationPrecision;
  release: GraphSetup<unknown>['release'];
}

function bind<Arch>(g: GraphBuilder, arch: Arch, load: LoadTensor, layers: Layers): GraphContext<Arch> {
  const { pass, activations, release } = layers;
  return {
    g,
    arch,
    load,
    linear: (args) => {
      const y = linear(g, pass, activations, args);
      release?.(args.weight instanceof Float32Array ? [args.weight] : args.weight);
      return y;
    },
    embedding: (args) => embedding(g, pass, args),
    subgraph: (name, output, build) => g.subgraph(name, output, (sub) => build(bind(sub, arch, load, layers))),
  };
}
