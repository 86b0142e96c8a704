// A ModelSession without ONNX Runtime: each run is answered by a function of its feeds, and every run's feeds are
// kept (by reference, as the runner handed them over) for the test to read.
import type { ModelSession, Shape, Tensors } from '../../src/onnx/model-session.ts';

export class FakeSession implements ModelSession {
  readonly runs: Tensors[] = [];
  readonly inputShapes: readonly Shape[] = [];
  released = false;

  constructor(
    private readonly answer: (feeds: Readonly<Tensors>) => Tensors,
    readonly inputNames: readonly string[] = [],
    readonly outputNames: readonly string[] = [],
  ) {}

  async run(feeds: Readonly<Tensors>): Promise<Tensors> {
    if (this.released) throw new Error('run after release');
    this.runs.push({ ...feeds });
    return this.answer(feeds);
  }

  async release(): Promise<void> {
    this.released = true;
  }
}
