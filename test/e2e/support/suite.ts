// Declares end-to-end scenarios that share one session (server, browser, workbench) per test file.
// A failing scenario leaves a screenshot named after it next to the others.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { requireOrSkip } from '../../../harness/requirements.ts';
import { missingForE2E, startSession, type Session } from '../../../harness/vscode/session.ts';

export function e2eSuite(options: {
  /** User settings of the workbench, computed once before the session starts (e.g. a model path). */
  settings: () => Promise<Record<string, unknown>>;
  /** Upper bound for the whole file; past it the process exits and takes the server and browser with it. */
  globalTimeoutMs: number;
  scenarioTimeoutMs: number;
}): { scenario: (name: string, body: (session: Session) => Promise<void>) => void } {
  const missing = missingForE2E();
  let session: Session | undefined;

  before(async () => {
    if (missing !== undefined) return;
    session = await startSession({ settings: await options.settings(), globalTimeoutMs: options.globalTimeoutMs });
  });
  after(async () => {
    await session?.stop();
  });

  const scenario = (name: string, body: (session: Session) => Promise<void>) =>
    test(name, { timeout: options.scenarioTimeoutMs }, async (t) => {
      if (!requireOrSkip(t, missing === undefined, missing ?? '')) return;
      assert.ok(session, 'the end-to-end session did not start');
      try {
        await body(session);
      } catch (error) {
        await session.screenshot(`FAILED ${name}`.replace(/[^\w-]+/g, '-')).catch(() => undefined);
        throw error;
      }
    });
  return { scenario };
}
