import type { RuntimeErrorInfo } from '../common/protocol.ts';

/** A tokenizer problem the user can act on; carries the protocol's error info so the host can forward it as is. */
export class TokenizerError extends Error {
  readonly info: RuntimeErrorInfo;

  constructor(code: RuntimeErrorInfo['code'], message: string, hint?: string) {
    super(hint ? `${message} ${hint}` : message);
    this.name = 'TokenizerError';
    this.info = hint ? { code, message, hint } : { code, message };
  }
}
