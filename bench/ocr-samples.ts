// The catalogue of OCR evaluation pages: each is HTML rendered by headless Chromium (ocr-sample-pages.ts) from
// fixed text (ocr-sample-text.ts), with the text it shows as ground truth. Everything here is deterministic, so
// the committed PNGs can be made again.
import {
  codePage,
  diagramPage,
  documentPage,
  fourKPage,
  ideScreen,
  tallPage,
  terminalPage,
  THEMES,
  uiPage,
  uiTruth,
  webScreen,
} from './ocr-sample-pages.ts';
import {
  DIALOG,
  FORM,
  IDE_FILES,
  IDE_PANEL,
  MENU,
  PARAGRAPHS,
  SETTINGS,
  SNIPPETS,
  STATUS,
  TALL_NOTES,
  TERMINAL,
  WEB_NAV,
} from './ocr-sample-text.ts';

export type Category = 'code' | 'code-zoom' | 'terminal' | 'ui' | 'document' | 'diagram' | 'screen' | 'large';

export interface Sample {
  category: Category;
  name: string;
  /** CSS viewport; the screenshot is `width·scale` wide and as tall as the page (or `height` when fixed). */
  width: number;
  height?: number;
  scale: number;
  html: string;
  /** The text in reading order; for code categories, with its exact indentation. */
  truth: string;
}

/** Categories whose truth is compared line by line with its indentation; the others as running text. */
export const CODE_CATEGORIES: ReadonlySet<string> = new Set(['code', 'code-zoom', 'terminal', 'real']);

export function samples(): Sample[] {
  const out: Sample[] = [];
  const code = (
    name: string,
    src: string,
    font: string,
    size: number,
    theme: keyof typeof THEMES,
    category: Category = 'code',
    scale = 1,
  ): void => {
    out.push({ category, name, width: 900, scale, html: codePage(src, font, size, THEMES[theme]), truth: src });
  };
  code('ts-dejavu-dark', SNIPPETS.ts, 'DejaVu Sans Mono', 14, 'dark');
  code('py-liberation-light', SNIPPETS.py, 'Liberation Mono', 13, 'light');
  code('rust-hack-monokai', SNIPPETS.rust, 'Hack', 14, 'monokai');
  code('go-jetbrains-light', SNIPPETS.go, 'JetBrains Mono', 13, 'light');
  code('json-inconsolata-dark', SNIPPETS.json, 'Inconsolata', 15, 'dark');
  code('yaml-notomono-light', SNIPPETS.yaml, 'Noto Mono', 14, 'light');
  code('ts-jetbrains-dark-12px', SNIPPETS.ts2, 'JetBrains Mono', 12, 'dark');
  code('c-dejavu-light-12px', SNIPPETS.c, 'DejaVu Sans Mono', 12, 'light');
  code('py-hack-dark-150', SNIPPETS.py, 'Hack', 14, 'dark', 'code-zoom', 1.5);
  code('rust-liberation-light-200', SNIPPETS.rust, 'Liberation Mono', 13, 'light', 'code-zoom', 2);
  code('c-notomono-monokai-125', SNIPPETS.c, 'Noto Mono', 13, 'monokai', 'code-zoom', 1.25);

  out.push({
    category: 'terminal',
    name: 'ls-dejavu',
    width: 760,
    scale: 1,
    html: terminalPage(TERMINAL.ls, 'DejaVu Sans Mono', 14),
    truth: TERMINAL.ls,
  });
  out.push({
    category: 'terminal',
    name: 'git-liberation',
    width: 760,
    scale: 1,
    html: terminalPage(TERMINAL.git, 'Liberation Mono', 13),
    truth: TERMINAL.git,
  });
  out.push({
    category: 'terminal',
    name: 'test-hack',
    width: 760,
    scale: 1,
    html: terminalPage(TERMINAL.test, 'Hack', 13),
    truth: TERMINAL.test,
  });

  const ui = (
    name: string,
    title: string,
    rows: string[][],
    font: string,
    size: number,
    dark: boolean,
    scale: number,
  ): void => {
    out.push({
      category: 'ui',
      name,
      width: 720,
      scale,
      html: uiPage(rows, font, size, dark, title),
      truth: uiTruth(title, rows),
    });
  };
  ui('settings-dejavu-13', 'Settings', SETTINGS, 'DejaVu Sans', 13, true, 1);
  ui('settings-liberation-11', 'Settings', SETTINGS, 'Liberation Sans', 11, false, 1);
  ui('dialog-liberation-14-125', 'Unsaved changes', DIALOG, 'Liberation Sans', 14, false, 1.25);
  ui('menu-dejavu-12-200', 'File', MENU, 'DejaVu Sans', 12, true, 2);
  ui('form-liberation-16-150', 'Account', FORM, 'Liberation Sans', 16, false, 1.5);
  ui('status-dejavu-12', 'Status', STATUS, 'DejaVu Sans', 12, true, 1);

  const doc = (
    name: string,
    paras: string[],
    font: string,
    size: number,
    title: string,
    columns = 1,
    width = 820,
  ): void => {
    out.push({
      category: 'document',
      name,
      width,
      scale: 1,
      html: documentPage(paras, font, size, title, columns),
      truth: [title, ...paras].join('\n'),
    });
  };
  doc('serif-13', PARAGRAPHS.slice(0, 3), 'Liberation Serif', 13, 'How the reader works');
  doc('sans-12', PARAGRAPHS.slice(3, 6), 'DejaVu Sans', 12, 'Results and limits');
  doc('two-column-12', PARAGRAPHS, 'Liberation Sans', 12, 'Two columns', 2, 980);
  doc('dense-serif-11', PARAGRAPHS, 'Liberation Serif', 11, 'Dense page');

  const diagram = (name: string, rows: string[][], dark: boolean, size: number): void => {
    const d = diagramPage(rows, dark, size);
    out.push({ category: 'diagram', name, width: 840, scale: 1, html: d.html, truth: d.truth });
  };
  diagram(
    'pipeline-light',
    [
      ['Decode image', 'Detect lines', 'Read lines'],
      ['Reading order', 'Code layout', 'Result'],
    ],
    false,
    15,
  );
  diagram(
    'services-dark',
    [
      ['Browser', 'API gateway', 'Auth service'],
      ['Queue', 'Worker', 'Object store'],
      ['Metrics', 'Alerts'],
    ],
    true,
    13,
  );
  diagram(
    'states-light',
    [
      ['Idle', 'Loading', 'Ready'],
      ['Error', 'Retry in 5 s'],
    ],
    false,
    12,
  );

  const ide = ideScreen(IDE_FILES, SNIPPETS.ts2, IDE_PANEL);
  out.push({
    category: 'screen',
    name: 'ide-dark-1080p',
    width: 1920,
    height: 1080,
    scale: 1,
    html: ide.html,
    truth: ide.truth,
  });
  const web = webScreen(WEB_NAV, 'Reading text from screenshots', PARAGRAPHS);
  out.push({
    category: 'screen',
    name: 'web-doc-1080p',
    width: 1920,
    height: 1080,
    scale: 1,
    html: web.html,
    truth: web.truth,
  });
  const tall = tallPage(TALL_NOTES);
  out.push({ category: 'large', name: 'tall-6000', width: 900, scale: 1, html: tall.html, truth: tall.truth });
  const fourK = fourKPage(PARAGRAPHS);
  out.push({
    category: 'large',
    name: '4k-13px',
    width: 3840,
    height: 2160,
    scale: 1,
    html: fourK.html,
    truth: fourK.truth,
  });
  return out;
}
