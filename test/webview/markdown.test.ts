import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from '../../webview/markdown.ts';
import { freshDocument } from './dom.ts';

/** Renders into a DOM, as the panel does, and returns the container to inspect what a browser would see. */
function rendered(markdown: string): HTMLElement {
  const doc = freshDocument();
  const container = doc.createElement('div');
  container.innerHTML = renderMarkdown(markdown);
  return container;
}

function assertInert(container: HTMLElement): void {
  assert.equal(
    container.querySelectorAll('script, iframe, object, embed, style, img, svg, form, input, link, meta').length,
    0,
    container.innerHTML,
  );
  for (const element of container.querySelectorAll('*')) {
    for (const attribute of element.getAttributeNames()) {
      assert.ok(!attribute.startsWith('on'), `${element.tagName} has ${attribute}`);
      assert.notEqual(attribute, 'style', `${element.tagName} has a style attribute`);
    }
  }
  for (const link of container.querySelectorAll('a'))
    assert.match(link.getAttribute('href') ?? '', /^(https?:|mailto:)/i);
}

test('raw HTML comes out as text, never as elements', () => {
  const container = rendered(
    'Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">bold</b>\n\n<iframe src="https://evil.example"></iframe>',
  );
  assertInert(container);
  assert.match(container.textContent ?? '', /<script>alert\(1\)<\/script>/);
  assert.match(container.textContent ?? '', /<img src=x onerror="alert\(2\)">/);
});

test('javascript:, vbscript:, data: and file: links are not links', () => {
  const container = rendered(
    '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](vbscript:msgbox) [d](data:text/html;base64,PHNjcmlwdD4=) [e](file:///etc/passwd) [f](  javascript:alert(1)) <javascript:alert(1)>',
  );
  assertInert(container);
  assert.equal(container.querySelectorAll('a').length, 0);
});

test('web and mail links stay links', () => {
  const container = rendered('[docs](https://code.visualstudio.com/api) and [mail](mailto:ada@example.org)');
  assertInert(container);
  assert.deepEqual(
    [...container.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    ['https://code.visualstudio.com/api', 'mailto:ada@example.org'],
  );
});

test('images are never loaded, remote or inline; their alt text is shown', () => {
  const container = rendered(
    '![tracker](https://evil.example/pixel.png) ![x](data:image/png;base64,AAAA) ![local](a.png "t")',
  );
  assertInert(container);
  // The remote image is parsed and replaced by its alt text; the others are not even valid links here.
  assert.equal(container.querySelectorAll('.image-omitted').length, 1);
  assert.match(container.textContent ?? '', /\[image: tracker\]/);
  assert.match(container.textContent ?? '', /!\[x\]\(data:image\/png;base64,AAAA\)/);
});

test('attribute injection through titles and alt text is escaped', () => {
  const container = rendered(
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)") ![a" onerror="alert(1)](https://x.example/a.png)',
  );
  assertInert(container);
});

test('code blocks keep their text and indentation and get Copy and Insert buttons', () => {
  const code = 'def f():\n    return "<b>"\n';
  const container = rendered(`Here:\n\n\`\`\`python onclick=x\n${code}\`\`\`\n`);
  assertInert(container);
  const block = container.querySelector('.code-block');
  assert.ok(block);
  assert.equal(block.getAttribute('data-language'), 'python');
  assert.equal(block.querySelector('code')?.textContent, code);
  assert.deepEqual(
    [...block.querySelectorAll('[data-action]')].map((b) => b.getAttribute('data-action')),
    ['copy-code', 'insert-code'],
  );
});

test('ordinary Markdown still renders', () => {
  const container = rendered('# Title\n\n- **bold** item\n- `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |');
  assert.equal(container.querySelector('h1')?.textContent, 'Title');
  assert.equal(container.querySelectorAll('li').length, 2);
  assert.equal(container.querySelector('strong')?.textContent, 'bold');
  assert.equal(container.querySelectorAll('td').length, 2);
});
