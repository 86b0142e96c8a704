// What the status bar item says about the runtime. Pure, so every state's wording is testable.
import type { RuntimeStatus } from './runtime-manager.ts';

export interface StatusText {
  text: string;
  tooltip: string;
  /** What a screen reader says: words only, no icon names. */
  label: string;
}

const STATES: Record<RuntimeStatus['state'], { icon: string; short: string; long: string }> = {
  stopped: { icon: '$(eye)', short: 'idle', long: 'not running (starts on first use)' },
  starting: { icon: '$(loading~spin)', short: 'starting', long: 'starting the runtime host' },
  loading: { icon: '$(loading~spin)', short: 'loading', long: 'loading the model' },
  ready: { icon: '$(eye)', short: 'ready', long: 'ready' },
  busy: { icon: '$(sync~spin)', short: 'busy', long: 'answering' },
};

// The host runs but its model failed to load: not "ready" for questions.
const NO_MODEL = {
  icon: '$(warning)',
  short: 'no model',
  long: 'running, but no model is loaded (see the last error)',
};

export function statusText(status: RuntimeStatus, model: { dir: string; source: string }): StatusText {
  const { icon, short, long } =
    status.state === 'ready' && status.model === undefined ? NO_MODEL : STATES[status.state];
  const parts = [`${icon} InfiMM-HD`, ...(status.provider === undefined ? [] : [status.provider]), short];
  return {
    text: parts.join(' · '),
    label: `InfiMM-HD runtime: ${status.provider === undefined ? long : `${long}, on ${status.provider}`}`,
    tooltip: [
      `InfiMM-HD runtime: ${long}`,
      `Model: ${status.model ?? 'not loaded'} (${model.dir}, from ${model.source})`,
      `Execution provider: ${status.provider ?? 'chosen when the model loads'}`,
      'Click to open the panel.',
    ].join('\n'),
  };
}
