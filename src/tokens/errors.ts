import { RuntimeFailure } from '../common/errors.ts';

/** A tokenizer problem the user can act on (a bad tokenizer.model). */
export class TokenizerError extends RuntimeFailure {}
