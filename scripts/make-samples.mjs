// Generates the sample images under media/samples/ and the extension icon from SVG drawn here,
// rendered to PNG with sharp. Usage: node scripts/make-samples.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SANS = "font-family=\"'DejaVu Sans', 'Liberation Sans', Arial, sans-serif\"";
const MONO = "font-family=\"'DejaVu Sans Mono', 'Liberation Mono', Consolas, monospace\"";

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A settings dialog of a made-up app: labels, fields, a toggle, buttons — things a UI question is about. */
function uiScreenshot() {
  const field = (y, label, value) => `
    <text x="300" y="${y}" ${SANS} font-size="15" fill="#333">${label}</text>
    <rect x="300" y="${y + 10}" width="420" height="34" rx="4" fill="#fff" stroke="#b8bcc4"/>
    <text x="312" y="${y + 33}" ${SANS} font-size="15" fill="#111">${escape(value)}</text>`;
  const nav = ['General', 'Account', 'Notifications', 'Privacy', 'Advanced'];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="600" viewBox="0 0 960 600">
  <rect width="960" height="600" fill="#e9ecf1"/>
  <rect x="40" y="30" width="880" height="540" rx="8" fill="#fafbfc" stroke="#9aa1ad"/>
  <path d="M40 38a8 8 0 0 1 8-8h864a8 8 0 0 1 8 8v34H40z" fill="#2f3b52"/>
  <circle cx="64" cy="51" r="6" fill="#ff5f57"/><circle cx="84" cy="51" r="6" fill="#febc2e"/><circle cx="104" cy="51" r="6" fill="#28c840"/>
  <text x="480" y="57" ${SANS} font-size="16" fill="#fff" text-anchor="middle">Settings — Photon Mail</text>
  <rect x="40" y="72" width="200" height="498" fill="#eef1f5"/>
  ${nav
    .map(
      (item, i) =>
        `${i === 2 ? '<rect x="48" y="' + (92 + i * 42) + '" width="184" height="34" rx="4" fill="#d6e4ff"/>' : ''}<text x="64" y="${114 + i * 42}" ${SANS} font-size="15" fill="${i === 2 ? '#1d4ed8' : '#333'}">${item}</text>`,
    )
    .join('\n  ')}
  <text x="300" y="115" ${SANS} font-size="22" font-weight="bold" fill="#111">Notifications</text>
  ${field(150, 'Email address for alerts', 'ada@example.org')}
  ${field(230, 'Quiet hours', '22:00 – 07:00')}
  <text x="300" y="330" ${SANS} font-size="15" fill="#333">Desktop notifications</text>
  <rect x="660" y="314" width="52" height="26" rx="13" fill="#1d4ed8"/><circle cx="699" cy="327" r="10" fill="#fff"/>
  <text x="300" y="375" ${SANS} font-size="15" fill="#333">Sound</text>
  <rect x="660" y="359" width="52" height="26" rx="13" fill="#b8bcc4"/><circle cx="673" cy="372" r="10" fill="#fff"/>
  <rect x="300" y="410" width="420" height="60" rx="4" fill="#fff4e5" stroke="#f0b35b"/>
  <text x="316" y="436" ${SANS} font-size="14" fill="#7a4b00">Alerts are sent only to verified addresses.</text>
  <text x="316" y="456" ${SANS} font-size="14" fill="#1d4ed8" text-decoration="underline">Verify ada@example.org</text>
  <rect x="640" y="510" width="110" height="36" rx="4" fill="#1d4ed8"/>
  <text x="695" y="533" ${SANS} font-size="15" fill="#fff" text-anchor="middle">Save</text>
  <rect x="516" y="510" width="110" height="36" rx="4" fill="#fff" stroke="#9aa1ad"/>
  <text x="571" y="533" ${SANS} font-size="15" fill="#333" text-anchor="middle">Cancel</text>
</svg>`;
}

/** A small architecture diagram: boxes, arrows and labels. */
function diagram() {
  const box = (x, y, w, label, sub, fill) => `
    <rect x="${x}" y="${y}" width="${w}" height="80" rx="10" fill="${fill}" stroke="#34495e" stroke-width="2"/>
    <text x="${x + w / 2}" y="${y + 36}" ${SANS} font-size="18" font-weight="bold" fill="#1b2631" text-anchor="middle">${label}</text>
    <text x="${x + w / 2}" y="${y + 60}" ${SANS} font-size="13" fill="#34495e" text-anchor="middle">${sub}</text>`;
  const arrow = (x1, y1, x2, y2, label, lx, ly) => `
    <line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#34495e" stroke-width="2" marker-end="url(#head)"/>
    <text x="${lx}" y="${ly}" ${SANS} font-size="13" fill="#34495e" text-anchor="middle">${label}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="480" viewBox="0 0 900 480">
  <defs><marker id="head" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0 0L10 4L0 8z" fill="#34495e"/></marker></defs>
  <rect width="900" height="480" fill="#ffffff"/>
  <text x="450" y="40" ${SANS} font-size="22" font-weight="bold" fill="#1b2631" text-anchor="middle">Order service</text>
  ${box(40, 190, 170, 'Web app', 'browser', '#d6eaf8')}
  ${box(330, 190, 200, 'API gateway', 'auth, rate limits', '#d5f5e3')}
  ${box(620, 70, 200, 'Orders', 'service', '#fdebd0')}
  ${box(620, 330, 200, 'Payments', 'service', '#fdebd0')}
  <ellipse cx="720" cy="240" rx="90" ry="26" fill="#e8daef" stroke="#34495e" stroke-width="2"/>
  <text x="720" y="246" ${SANS} font-size="16" font-weight="bold" fill="#1b2631" text-anchor="middle">PostgreSQL</text>
  ${arrow(210, 230, 326, 230, 'HTTPS', 268, 220)}
  ${arrow(530, 210, 616, 120, 'REST', 555, 155)}
  ${arrow(530, 250, 616, 360, 'REST', 555, 320)}
  ${arrow(720, 150, 720, 210, 'SQL', 745, 185)}
  ${arrow(720, 330, 720, 270, 'SQL', 745, 305)}
</svg>`;
}

/** A code screenshot: indentation matters, which OCR's code layout keeps. */
function codeScreenshot() {
  const lines = [
    'def fizzbuzz(n: int) -> list[str]:',
    '    out = []',
    '    for i in range(1, n + 1):',
    '        if i % 15 == 0:',
    '            out.append("FizzBuzz")',
    '        elif i % 3 == 0:',
    '            out.append("Fizz")',
    '        else:',
    '            out.append(str(i))',
    '    return out',
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="${60 + lines.length * 28}" viewBox="0 0 720 ${60 + lines.length * 28}">
  <rect width="100%" height="100%" fill="#1e1e1e"/>
  ${lines
    .map(
      (line, i) =>
        `<text x="20" y="${44 + i * 28}" ${MONO} font-size="18" fill="#858585">${String(i + 1).padStart(2, ' ')}</text>` +
        `<text x="70" y="${44 + i * 28}" ${MONO} font-size="18" fill="#d4d4d4" xml:space="preserve">${escape(line)}</text>`,
    )
    .join('\n  ')}
</svg>`;
}

/** The extension icon: an eye over a tile grid. */
function icon() {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <rect width="128" height="128" rx="24" fill="#1d4ed8"/>
  <g stroke="#93b4ff" stroke-width="2" stroke-dasharray="5 4">
    <line x1="43" y1="16" x2="43" y2="112"/><line x1="85" y1="16" x2="85" y2="112"/>
    <line x1="16" y1="43" x2="112" y2="43"/><line x1="16" y1="85" x2="112" y2="85"/>
  </g>
  <path d="M16 64c14-22 30-32 48-32s34 10 48 32c-14 22-30 32-48 32S30 86 16 64z" fill="#fff"/>
  <circle cx="64" cy="64" r="18" fill="#1d4ed8"/><circle cx="64" cy="64" r="8" fill="#0b1b4d"/><circle cx="70" cy="58" r="4" fill="#fff"/>
</svg>`;
}

async function write(svg, path, { keepSvg = false } = {}) {
  const out = join(root, path);
  mkdirSync(dirname(out), { recursive: true });
  if (keepSvg) writeFileSync(out.replace(/\.png$/, '.svg'), `${svg}\n`);
  // A palette PNG keeps flat-colour drawings small.
  await sharp(Buffer.from(svg)).png({ palette: true, compressionLevel: 9 }).toFile(out);
  console.log(`wrote ${path}`);
}

await write(uiScreenshot(), 'media/samples/ui-screenshot.png');
await write(diagram(), 'media/samples/diagram.png', { keepSvg: true });
await write(codeScreenshot(), 'media/samples/code.png');
await write(icon(), 'media/icon.png');
