// The performance and agreement tables of docs/gpu.md, in Markdown.
import { INT8_ACTIVATIONS_TOLERANCE, TOLERANCE } from './agreement.ts';
import type { CheckResult } from './results.ts';

const fmt = (value: number | undefined, digits = 1) => (value === undefined ? '–' : value.toFixed(digits));

export function markdown(result: CheckResult): string {
  const lines = [
    `${result.gpu ?? 'no NVIDIA GPU'}; ${result.tokens} decoded tokens, median of ${result.repeats} passes`,
    '',
    '| package | provider | graphs | load ms | first pass ms | vision ms/view | image memory ms | prefill ms | decode ms/token | tokens/s | time to first token ms | roofline ms/token | fed per step MiB | GPU memory MiB | RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of result.packages) {
    for (const r of p.runs) {
      const m = r.median;
      const graphs = r.error ? `error: ${r.error}` : [...new Set(Object.values(r.graphs ?? {}))].join('+');
      lines.push(
        `| ${p.name} (${p.views} views) | ${r.provider} | ${graphs} | ${fmt(r.loadMs, 0)} | ${fmt(r.firstPassMs, 0)} | ${fmt(m?.visionMsPerView)} | ${fmt(m?.memoryMs)} | ${fmt(m?.prefillMs)} | ${fmt(m?.decodeMsPerToken, 2)} | ${fmt(m?.tokensPerSecond)} | ${fmt(m?.timeToFirstTokenMs, 0)} | ${fmt(r.rooflineMsPerToken, 3)} | ${fmt(r.feedBytesPerStep === undefined ? undefined : r.feedBytesPerStep / 2 ** 20)} | ${fmt(r.gpuMemoryMiB, 0)} | ${fmt(r.rssMiB, 0)} |`,
      );
    }
  }
  lines.push(
    '',
    '| package | provider | features | image memory | prompt | logits | tokens equal | agrees |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const p of result.packages) {
    for (const a of p.agreement) {
      for (const q of a.prompts) {
        const tokens = q.tokensEqual ? 'yes' : `no (from token ${q.firstTokenDifference})`;
        lines.push(
          `| ${p.name} | ${a.provider} | ${a.features.toExponential(1)} | ${a.memory.toExponential(1)} | ${q.prompt} (${q.promptTokens} tokens) | ${q.logits.toExponential(1)} | ${tokens} | ${q.ok ? 'yes' : 'NO'} |`,
        );
      }
    }
  }
  lines.push(
    '',
    `Agreement: largest |provider − CPU| ÷ standard deviation of the CPU's values; tolerance ${TOLERANCE.fp32.toExponential(0)}, ${INT8_ACTIVATIONS_TOLERANCE} for int8/int4 packages with int8 activations.`,
  );
  return lines.join('\n');
}
