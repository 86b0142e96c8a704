// Renderers of the OCR evaluation pages (bench/ocr-samples.ts): each turns fixture text into the HTML that
// headless Chromium draws, and the text it shows in reading order.

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface Theme {
  bg: string;
  fg: string;
  keyword: string;
  string: string;
  comment: string;
  number: string;
}

export const THEMES: Record<'dark' | 'light' | 'monokai', Theme> = {
  dark: { bg: '#1e1e1e', fg: '#d4d4d4', keyword: '#569cd6', string: '#ce9178', comment: '#6a9955', number: '#b5cea8' },
  light: { bg: '#ffffff', fg: '#000000', keyword: '#0000ff', string: '#a31515', comment: '#008000', number: '#098658' },
  monokai: {
    bg: '#272822',
    fg: '#f8f8f2',
    keyword: '#f92672',
    string: '#e6db74',
    comment: '#75715e',
    number: '#ae81ff',
  },
};

const KEYWORDS =
  /\b(import|export|from|const|let|function|return|if|else|for|while|async|await|class|new|def|fn|pub|struct|impl|match|use|package|func|type|interface|int|void|char|static|self|None|True|False|true|false|null)\b/;

/** A small tokenizer for colour: comments, strings, numbers and keywords, like an editor's theme. */
function highlight(code: string, t: Theme): string {
  const token = new RegExp(`(//.*|#.*)|("[^"]*"|'[^']*')|(\\b\\d+(?:\\.\\d+)?\\b)|${KEYWORDS.source}`, 'g');
  return code
    .split('\n')
    .map((line) => {
      let out = '';
      let last = 0;
      for (const m of line.matchAll(token)) {
        out += escape(line.slice(last, m.index));
        const color = m[1] ? t.comment : m[2] ? t.string : m[3] ? t.number : t.keyword;
        out += `<span style="color:${color}">${escape(m[0])}</span>`;
        last = m.index + m[0].length;
      }
      return out + escape(line.slice(last));
    })
    .join('\n');
}

export function codePage(code: string, font: string, size: number, theme: Theme, lineHeight = 1.4): string {
  return `<body style="margin:0;background:${theme.bg}"><pre style="margin:0;padding:16px 24px;color:${theme.fg};font:${size}px/${lineHeight} '${font}';font-variant-ligatures:none">${highlight(code, theme)}</pre></body>`;
}

export function terminalPage(text: string, font: string, size: number): string {
  return `<body style="margin:0;background:#0c0c0c"><pre style="margin:0;padding:12px 16px;color:#cccccc;font:${size}px/1.3 '${font}';font-variant-ligatures:none">${escape(text)}</pre></body>`;
}

export function documentPage(paras: string[], font: string, size: number, title: string, columns = 1): string {
  const body = paras.map((p) => `<p style="margin:0 0 ${size * 0.8}px">${escape(p)}</p>`).join('');
  return `<body style="margin:0;background:#fff"><div style="padding:24px 32px;color:#111;font:${size}px/1.45 '${font}';text-align:justify;hyphens:none">
<h1 style="font-size:${Math.round(size * 1.6)}px;margin:0 0 ${size}px;text-align:left">${escape(title)}</h1>
<div style="column-count:${columns};column-gap:40px">${body}</div></div></body>`;
}

/** UI pages: rows of label and value (or a button), read left to right, top to bottom. */
export function uiPage(rows: string[][], font: string, size: number, dark: boolean, title: string): string {
  const fg = dark ? '#cccccc' : '#1f1f1f';
  const bg = dark ? '#252526' : '#f3f3f3';
  const button = dark ? '#0e639c' : '#005fb8';
  const cells = rows
    .map(
      (row) =>
        `<div style="display:flex;gap:${size * 2}px;align-items:center;margin:${size * 0.7}px 0">` +
        row
          .map((cell) =>
            cell.startsWith('[')
              ? `<span style="background:${button};color:#fff;padding:4px 12px;border-radius:2px">${escape(cell.slice(1, -1))}</span>`
              : `<span>${escape(cell)}</span>`,
          )
          .join('') +
        '</div>',
    )
    .join('');
  return `<body style="margin:0;background:${bg}"><div style="padding:20px 28px;color:${fg};font:${size}px '${font}'">
<div style="font-size:${Math.round(size * 1.3)}px;font-weight:bold;margin-bottom:${size}px">${escape(title)}</div>${cells}</div></body>`;
}

export const uiTruth = (title: string, rows: string[][]): string =>
  [title, ...rows.map((r) => r.map((c) => (c.startsWith('[') ? c.slice(1, -1) : c)).join(' '))].join('\n');

/** A rendered page and the text it shows. */
export interface Page {
  html: string;
  truth: string;
}

/** Diagram: boxes with labels in rows, joined by arrows, drawn as SVG. */
export function diagramPage(rows: string[][], dark: boolean, size: number): Page {
  const fg = dark ? '#e0e0e0' : '#202020';
  const stroke = dark ? '#9cdcfe' : '#3a6ea5';
  const boxW = 190;
  const boxH = 56;
  const gapX = 70;
  const gapY = 60;
  let svg = '';
  rows.forEach((row, r) => {
    row.forEach((label, c) => {
      const x = 30 + c * (boxW + gapX);
      const y = 30 + r * (boxH + gapY);
      svg += `<rect x="${x}" y="${y}" width="${boxW}" height="${boxH}" rx="8" fill="none" stroke="${stroke}" stroke-width="2"/>`;
      svg += `<text x="${x + boxW / 2}" y="${y + boxH / 2 + size / 3}" text-anchor="middle" font-size="${size}" fill="${fg}">${escape(label)}</text>`;
      if (c + 1 < row.length)
        svg += `<path d="M${x + boxW} ${y + boxH / 2} h${gapX - 8}" stroke="${stroke}" stroke-width="2" marker-end="url(#a)"/>`;
      if (r + 1 < rows.length && c === 0)
        svg += `<path d="M${x + boxW / 2} ${y + boxH} v${gapY - 8}" stroke="${stroke}" stroke-width="2" marker-end="url(#a)"/>`;
    });
  });
  const width = 60 + Math.max(...rows.map((r) => r.length)) * (boxW + gapX);
  const height = 60 + rows.length * (boxH + gapY);
  const html = `<body style="margin:0;background:${dark ? '#1e1e1e' : '#ffffff'}"><svg width="${width}" height="${height}" font-family="DejaVu Sans">
<defs><marker id="a" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0 0 L8 4 L0 8 z" fill="${stroke}"/></marker></defs>${svg}</svg></body>`;
  return { html, truth: rows.map((r) => r.join(' ')).join('\n') };
}

/** An editor window at 1080p: a file list, the code, and a terminal panel below it. */
export function ideScreen(files: string[], code: string, panel: string[]): Page {
  const t = THEMES.dark;
  const html = `<body style="margin:0;background:#1e1e1e;font:13px 'DejaVu Sans';color:#cccccc;display:flex;height:1080px">
<div style="width:260px;background:#252526;padding:10px 16px;box-sizing:border-box">${files.map((f) => `<div style="margin:6px 0">${escape(f)}</div>`).join('')}</div>
<div style="flex:1;display:flex;flex-direction:column">
<pre style="flex:1;margin:0;padding:14px 28px;color:${t.fg};font:14px/1.4 'DejaVu Sans Mono'">${highlight(code, t)}</pre>
<div style="height:240px;border-top:1px solid #444;padding:8px 28px;font:13px/1.6 'DejaVu Sans Mono'">${panel.map((p) => `<div>${escape(p)}</div>`).join('')}</div>
</div></body>`;
  return { html, truth: [...files, code, ...panel].join('\n') };
}

/** A documentation web page at 1080p: a navigation bar over a heading and paragraphs. */
export function webScreen(nav: string[], title: string, paragraphs: string[]): Page {
  const html = `<body style="margin:0;background:#fff;font:15px/1.5 'Liberation Sans';color:#222">
<div style="display:flex;gap:36px;padding:18px 48px;background:#f6f8fa;border-bottom:1px solid #ddd">${nav.map((n) => `<span>${escape(n)}</span>`).join('')}</div>
<div style="max-width:1100px;margin:30px 48px"><h1 style="font-size:30px;margin:0 0 18px">${escape(title)}</h1>
${paragraphs.map((p) => `<p style="margin:0 0 14px">${escape(p)}</p>`).join('')}</div></body>`;
  return { html, truth: [nav.join(' '), title, ...paragraphs].join('\n') };
}

/** A tall page of sparse 12-px notes: windows must keep the small text that a downscale would lose. */
export function tallPage(notes: string[]): Page {
  const html = `<body style="margin:0;background:#fff;font:12px 'DejaVu Sans';color:#333">${notes
    .map((n) => `<div style="height:480px;padding:20px 40px">${escape(n)}</div>`)
    .join('')}</body>`;
  return { html, truth: notes.join('\n') };
}

/** A 4K screen of 13-px text (a desktop at 100% scaling): the text is small relative to the image. */
export function fourKPage(paragraphs: string[]): Page {
  const cols = [paragraphs.slice(0, 2), paragraphs.slice(2, 4), paragraphs.slice(4, 6)];
  const html = `<body style="margin:0;background:#fafafa;font:13px/1.5 'Liberation Sans';color:#222;display:flex;gap:240px;padding:120px 160px;height:2160px;box-sizing:border-box">${cols
    .map(
      (c) => `<div style="width:900px">${c.map((p) => `<p style="margin:0 0 900px">${escape(p)}</p>`).join('')}</div>`,
    )
    .join('')}</body>`;
  return { html, truth: cols.flat().join('\n') };
}
