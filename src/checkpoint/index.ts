export { BufferPool } from './buffer-pool.ts';
export type { BufferSource, Checkpoint, CheckpointFormat, TensorEntry } from './checkpoint.ts';
export { ITEM_SIZE, toFloat32, type DType } from './dtype.ts';
export { CheckpointError } from './errors.ts';
export { openCheckpoint } from './open.ts';
