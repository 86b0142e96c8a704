// The panel's header line: which model answers, how large it is, how its weights are stored and where it runs.
import type { PanelModel } from '../src/common/panel-protocol.ts';

const UNITS: ReadonlyArray<[number, string]> = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 4251360 → "4.3M", as model sizes are usually quoted. */
export function parameterCount(count: number): string {
  const unit = UNITS.find(([size]) => count >= size);
  return unit === undefined ? String(count) : `${(count / unit[0]).toFixed(1)}${unit[1]}`;
}

const fileSize = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;

export function modelHeader(model: PanelModel): { text: string; label: string } {
  const size = fileSize(model.bytes);
  return {
    text: [
      model.name,
      `${parameterCount(model.parameters)} parameters`,
      size,
      model.precision,
      `on ${model.provider}`,
    ].join(' · '),
    label: `The model answering: ${model.name}, ${model.parameters.toLocaleString('en-US')} parameters, ${size} of ${model.precision} weights, running on ${model.provider}.`,
  };
}
