/** Thrown between model runs when the caller cancelled: a cancellation, never shown as a failure. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = new.target.name;
  }
}

/** Asked between short model runs (a decode step, a batch of views): native runs cannot be interrupted. */
export type ShouldCancel = () => boolean;

export function checkCancel(shouldCancel: ShouldCancel | undefined): void {
  if (shouldCancel?.()) throw new CancelledError();
}
