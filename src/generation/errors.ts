import { RuntimeFailure } from '../common/errors.ts';

/** A question the model cannot answer as asked: a generation option out of range, a conversation past the context. */
export class GenerationError extends RuntimeFailure {}
