// Times image intake (decode) and tiling (grid plan + views) on one encoded image.
// Run directly (`npx tsx bench/tiling.ts [tileSize]`) it renders a 1344×1344 editor-like
// screenshot as PNG and prints the medians as JSON.
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { decodeImage } from '../src/image/decode.ts';
import { imageViews } from '../src/runtime/image.ts';

const RUNS = 7;
const CLIP = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
} as const;

/** Median wall times in milliseconds of decoding `bytes` and of tiling the decoded image, after one warm-up run. */
export async function benchTiling(
  bytes: Uint8Array,
  tileSize: number,
): Promise<{ decodeMs: number; tilingMs: number }> {
  const decodeTimes: number[] = [];
  const tilingTimes: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const { times } = await imageViews(
      () => decodeImage(bytes, { name: 'benchmark image', maxPixels: 50_000_000 }),
      tileSize,
      64,
      CLIP,
    );
    if (run === 0) continue;
    decodeTimes.push(times.decodeImageMs);
    tilingTimes.push(times.tilingMs);
  }
  return { decodeMs: median(decodeTimes), tilingMs: median(tilingTimes) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A dark-theme code editor `width` × `height` pixels: 64 lines of monospaced, coloured text with a line-number gutter. */
export async function screenshotPng(width = 1344, height = width): Promise<Uint8Array> {
  const palette = ['#569cd6', '#ce9178', '#9cdcfe', '#d4d4d4', '#6a9955', '#c586c0'];
  const lines = Array.from({ length: 64 }, (_, n) => {
    const indent = ' '.repeat((n % 5) * 2);
    const text = `${indent}const value${n} = compute(items[${n}], { depth: ${n % 7}, label: "row ${n}" });`;
    const y = 24 + n * 20.5;
    return (
      `<text x="12" y="${y}" fill="#858585">${n + 1}</text>` +
      `<text x="64" y="${y}" fill="${palette[n % palette.length]}" xml:space="preserve">${text}</text>`
    );
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="15">` +
    `<rect width="${width}" height="${height}" fill="#1e1e1e"/><rect width="52" height="${height}" fill="#252526"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tileSize = Number(process.argv[2] ?? 448);
  const png = await screenshotPng();
  const timings = await benchTiling(png, tileSize);
  console.log(
    JSON.stringify({ image: '1344×1344 PNG screenshot', pngBytes: png.length, tileSize, runs: RUNS, ...timings }),
  );
}
