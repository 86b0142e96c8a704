import { CancelledError } from '../common/errors.ts';

/** Asked between short model runs (a decode step, a batch of views): native runs cannot be interrupted. */
export type ShouldCancel = () => boolean;

export function checkCancel(shouldCancel: ShouldCancel | undefined): void {
  if (shouldCancel?.()) throw new CancelledError();
}
