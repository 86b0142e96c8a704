// Every failure inside the host becomes a RuntimeErrorInfo: a stable code, plain words and the next step.
import { CancelledError, RuntimeFailure } from '../common/errors.ts';
import type { RuntimeErrorInfo } from '../common/protocol.ts';

export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError;
}

export function toErrorInfo(error: unknown): RuntimeErrorInfo {
  if (error instanceof RuntimeFailure) return error.info;
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    message: `The runtime failed: ${message}`,
    hint: 'Show Logs has the details; Restart Runtime starts it afresh.',
  };
}
