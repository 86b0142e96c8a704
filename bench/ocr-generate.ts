// Renders the OCR evaluation set (bench/ocr-data/) and the OCR test fixtures (test/ocr/fixtures/)
// with headless Chromium: `npx tsx bench/ocr-generate.ts`. Needs Debian's chromium and the fonts
// fonts-dejavu-core fonts-liberation fonts-hack fonts-jetbrains-mono fonts-inconsolata
// fonts-noto-mono (and fonts-noto-core for the non-Latin fixture). Set CHROMIUM to use another binary.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { type Sample, samples } from './ocr-samples.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA_DIR = join(ROOT, 'bench', 'ocr-data');
const FIXTURE_DIR = join(ROOT, 'test', 'ocr', 'fixtures');

export interface TruthEntry {
  file: string;
  category: string;
  name: string;
  truth: string;
}

/** A text line of a fixture and where it was drawn, in image pixels. */
export interface FixtureLine {
  text: string;
  rect: { x: number; y: number; width: number; height: number };
}

/** A fixture's whole text (code keeps its indentation) and its lines. */
export interface Fixture {
  text: string;
  lines: FixtureLine[];
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--font-render-hinting=none',
    ],
  });
}

/** Renders `html` and returns the PNG and the image-pixel rectangles of every `.line` element. */
async function render(
  browser: Browser,
  html: string,
  width: number,
  scale: number,
  height?: number,
): Promise<{ png: Buffer; lines: FixtureLine[] }> {
  const page = await browser.newPage({ viewport: { width, height: height ?? 200 }, deviceScaleFactor: scale });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    const lines = await page.$$eval(
      '.line',
      (els, s) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return {
            text: el.textContent ?? '',
            rect: { x: r.x * s, y: r.y * s, width: r.width * s, height: r.height * s },
          };
        }),
      scale,
    );
    const png = await page.screenshot({ fullPage: height === undefined, type: 'png' });
    return { png, lines };
  } finally {
    await page.close();
  }
}

async function generateSamples(browser: Browser): Promise<void> {
  const truth: TruthEntry[] = [];
  for (const s of samples()) {
    const file = `${s.category}/${s.name}.png`;
    const { png } = await render(browser, s.html, s.width, s.scale, s.height);
    await mkdir(join(DATA_DIR, s.category), { recursive: true });
    await writeFile(join(DATA_DIR, file), png);
    truth.push({ file, category: s.category, name: s.name, truth: s.truth });
    console.log(`${file} ${png.length} bytes`);
  }
  await writeFile(join(DATA_DIR, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
}

const line = (text: string, style = ''): string =>
  `<div><span class="line" style="${style}">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</span></div>`;

/** Fixtures for test/ocr: small images whose text and its position are known. */
function fixtures(): Array<Omit<Sample, 'category' | 'truth'> & { text?: string }> {
  const code = `function visit(node, depth) {
  if (!node) {
    return 0;
  }
  for (const child of node.children) {
    if (child.hidden) continue;
    visit(child, depth + 1);
  }
  return depth;
}`;
  const twoColumns = [
    [
      'Alpha column begins here with words',
      'that keep flowing down the left side',
      'until the first column is finished',
      'with its final line of text here.',
    ],
    [
      'Beta column starts at the top right',
      'and carries on below in its turn',
      'so a reader finishes alpha first',
      'and ends with this closing line.',
    ],
  ];
  const notes = ['Small note near the top', 'Small note across the seam', 'Small note at the bottom'];
  return [
    {
      name: 'lines',
      width: 640,
      scale: 1,
      html: `<body style="margin:0;background:#fff;color:#111;padding:20px 30px;font:16px 'Liberation Sans'">
${line('Open the command palette')}${line('Search files by name', 'margin-left:120px')}<div style="height:30px"></div>
${line('Format document on save', "font:13px 'DejaVu Sans'")}${line('Reload window 2 times', "font:13px 'DejaVu Sans';margin-left:60px")}</body>`,
    },
    {
      name: 'two-columns',
      width: 760,
      scale: 1,
      html: `<body style="margin:0;background:#fff;color:#111;font:14px 'DejaVu Sans';display:flex;gap:80px;padding:30px">${twoColumns
        .map(
          (col) => `<div style="width:300px">${col.map((l) => line(l, 'display:block;margin:4px 0')).join('')}</div>`,
        )
        .join('')}</body>`,
    },
    {
      name: 'code',
      text: code,
      width: 640,
      scale: 1,
      html: `<body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:16px 24px;color:#d4d4d4;font:14px/1.4 'DejaVu Sans Mono'">${code
        .split('\n')
        .map((l) =>
          l.trim() ? `${' '.repeat(l.length - l.trimStart().length)}<span class="line">${l.trim()}</span>` : '',
        )
        .join('\n')}</pre></body>`,
    },
    {
      name: 'tall',
      width: 600,
      height: 5000,
      scale: 1,
      html: `<body style="margin:0;background:#fff;color:#222;font:12px 'DejaVu Sans';position:relative;height:5000px">${notes
        .map((n, i) => `<div style="position:absolute;left:60px;top:${[300, 1676, 4700][i]}px">${line(n)}</div>`)
        .join('')}</body>`,
    },
    {
      name: 'wide',
      width: 5000,
      height: 200,
      scale: 1,
      html: `<body style="margin:0;background:#fff;color:#222;font:40px 'Liberation Sans'"><div style="position:absolute;left:900px;top:70px;white-space:nowrap">${line(
        'This one long line crosses the seams between detection windows and must come out once, whole, from start to end',
      )}</div></body>`,
    },
    {
      name: 'upside-down',
      width: 560,
      scale: 1,
      html: `<body style="margin:0;background:#fff;color:#111;font:20px 'Liberation Sans';padding:30px"><div style="transform:rotate(180deg)">${line('Printed upside down for testing')}${line('Second line also upside down')}</div></body>`,
    },
    {
      name: 'scripts',
      width: 640,
      scale: 1,
      html: `<body style="margin:0;background:#fff;color:#111;font:22px 'DejaVu Sans';padding:24px">${[
        'مرحبا بالعالم وهذا نص عربي طويل',
        'שלום עולם וזה טקסט בעברית',
        'გამარჯობა მსოფლიო ქართული ტექსტი',
        'Բարև աշխարհ հայերեն տեքստ',
        '<span style="font-family:\'Noto Sans Devanagari\'">नमस्ते दुनिया यह हिंदी पाठ है</span>',
      ]
        .map((l) => `<div class="line" style="margin:14px 0">${l}</div>`)
        .join('')}</body>`,
    },
  ];
}

async function generateFixtures(browser: Browser): Promise<void> {
  await mkdir(FIXTURE_DIR, { recursive: true });
  const expected: Record<string, Fixture> = {};
  for (const f of fixtures()) {
    const { png, lines } = await render(browser, f.html, f.width, f.scale, f.height);
    await writeFile(join(FIXTURE_DIR, `${f.name}.png`), png);
    expected[f.name] = { text: f.text ?? lines.map((l) => l.text).join('\n'), lines };
    console.log(`fixture ${f.name}.png ${png.length} bytes`);
  }
  await writeFile(join(FIXTURE_DIR, 'expected.json'), `${JSON.stringify(expected, null, 1)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const browser = await launch();
  try {
    await generateSamples(browser);
    await generateFixtures(browser);
  } finally {
    await browser.close();
  }
}
