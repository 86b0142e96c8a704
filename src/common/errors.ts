import type { RuntimeErrorInfo } from './protocol.ts';

/**
 * A failure the user can act on: a stable code, plain words and the next step. Each stage throws its own
 * subclass (so callers can tell them apart); the runtime host forwards `info` unchanged.
 */
export class RuntimeFailure<Code extends RuntimeErrorInfo['code'] = RuntimeErrorInfo['code']> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get info(): RuntimeErrorInfo {
    return this.hint
      ? { code: this.code, message: this.message, hint: this.hint }
      : { code: this.code, message: this.message };
  }
}

/**
 * A request or a run stopped because its caller cancelled it: a cancellation, never shown as a failure. The model
 * runners throw it between runs, the OCR engine between its model runs, and the host's client when the host
 * reports a request cancelled.
 */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = new.target.name;
  }
}
