export type { Checkpoint, CheckpointFormat, TensorEntry } from './checkpoint.ts';
export { ITEM_SIZE, toFloat32, type DType } from './dtype.ts';
export { CheckpointError } from './errors.ts';
export { openCheckpoint } from './open.ts';
