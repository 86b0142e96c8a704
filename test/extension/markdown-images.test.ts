import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  altTextChange,
  altTextPreview,
  findImageLinks,
  findLinkAgain,
  formatAltText,
  imageLinkKind,
  LINK_QUESTIONS,
  linksWithLenses,
  resolveImageTarget,
} from '../../src/extension/markdown-images.ts';

const doc = [
  '# Title',
  '',
  'Intro ![old alt](img/arch.png "Architecture") and ![](<my diagram.drawio.svg>).',
  '',
  '```md',
  '![not a link](code.png)',
  '```',
  '',
  'Inline `![nor this](x.png)` and ![a [nested] \\] label](b.png)',
  '',
  '![ref alt][logo]',
  '',
  '[logo]: ./logo.png',
  '![remote](https://example.org/x.png)',
].join('\n');

test('finds image links with their offsets, skipping code', () => {
  const links = findImageLinks(doc);
  assert.deepEqual(
    links.map((l) => [l.url, l.alt, l.line]),
    [
      ['img/arch.png', 'old alt', 2],
      ['my diagram.drawio.svg', '', 2],
      ['b.png', 'a [nested] ] label', 8],
      ['./logo.png', 'ref alt', 10],
      ['https://example.org/x.png', 'remote', 13],
    ],
  );
  for (const link of links) {
    assert.equal(doc.slice(link.start, link.start + 2), '![');
    assert.equal(doc[link.altEnd], ']');
  }
  assert.equal(doc.slice(links[0]!.altStart, links[0]!.altEnd), 'old alt');
  assert.equal(doc.slice(links[0]!.start, links[0]!.end), '![old alt](img/arch.png "Architecture")');
  assert.equal(doc.slice(links[2]!.altStart, links[2]!.altEnd), 'a [nested] \\] label');
  assert.equal(doc.slice(links[1]!.altStart, links[1]!.altEnd), '');
});

test('filling the alt range replaces exactly the label', () => {
  const link = findImageLinks(doc)[0]!;
  const edited = doc.slice(0, link.altStart) + formatAltText('A box diagram') + doc.slice(link.altEnd);
  assert.match(edited, /!\[A box diagram\]\(img\/arch\.png "Architecture"\)/);
  assert.equal(findImageLinks(edited)[0]!.alt, 'A box diagram');
});

test('finds a link again after the document changed above it', () => {
  const link = findImageLinks(doc)[0]!;
  const edited = `New first paragraph.\n\n${doc}`;
  const again = findLinkAgain(edited, 'img/arch.png', link.start);
  assert.equal(again?.alt, 'old alt');
  assert.equal(again!.start, link.start + 22);
  assert.equal(findLinkAgain(edited, 'gone.png', link.start), undefined);
});

test('alt text: one line, label-safe, without a leading "Alt text:"', () => {
  assert.equal(formatAltText('  Alt text: "A login form\nwith [two] fields" '), 'A login form with \\[two\\] fields');
  assert.equal(formatAltText('back\\slash'), 'back\\\\slash');
  const roundTrip = findImageLinks(`![${formatAltText('x ] y [ z')}](a.png)`)[0];
  assert.equal(roundTrip?.alt, 'x ] y [ z');
  assert.equal(roundTrip?.url, 'a.png');
});

test('resolves local links relative to the document, like the Markdown preview', () => {
  const docUri = 'file:///home/ada/project/docs/guide.md';
  const folder = 'file:///home/ada/project';
  assert.deepEqual(resolveImageTarget('img/arch.png', docUri, folder), {
    kind: 'local',
    uri: 'file:///home/ada/project/docs/img/arch.png',
  });
  assert.deepEqual(resolveImageTarget('../media/a.png?raw=1#top', docUri, folder), {
    kind: 'local',
    uri: 'file:///home/ada/project/media/a.png',
  });
  assert.deepEqual(resolveImageTarget('/media/a.png', docUri, folder), {
    kind: 'local',
    uri: 'file:///home/ada/project/media/a.png',
  });
  assert.deepEqual(resolveImageTarget('my diagram.drawio.svg', docUri, folder), {
    kind: 'local',
    uri: 'file:///home/ada/project/docs/my%20diagram.drawio.svg',
  });
  assert.deepEqual(resolveImageTarget('my%20diagram.png', docUri, folder), {
    kind: 'local',
    uri: 'file:///home/ada/project/docs/my%20diagram.png',
  });
});

test('remote workspaces keep their scheme', () => {
  const docUri = 'vscode-remote://ssh-remote%2Bbox/home/ada/README.md';
  assert.deepEqual(resolveImageTarget('docs/a.png', docUri), {
    kind: 'local',
    uri: 'vscode-remote://ssh-remote%2Bbox/home/ada/docs/a.png',
  });
});

test('remote URLs are not fetched; other schemes are refused', () => {
  const docUri = 'file:///p/README.md';
  assert.equal(resolveImageTarget('https://example.org/a.png', docUri).kind, 'remote');
  assert.equal(resolveImageTarget('//cdn.example.org/a.png', docUri).kind, 'remote');
  assert.equal(resolveImageTarget('data:image/png;base64,AAAA', docUri).kind, 'data');
  assert.equal(resolveImageTarget('javascript:alert(1)', docUri).kind, 'unsupported');
  assert.equal(resolveImageTarget('', docUri).kind, 'unsupported');
  assert.equal(resolveImageTarget('a.png', 'untitled:Untitled-1').kind, 'unsupported');
});

test('alt text: an empty label is filled, existing alt text is replaced only through a preview of both', () => {
  assert.equal(altTextChange('', 'A login form'), 'fill');
  assert.equal(altTextChange('  ', 'A login form'), 'fill');
  assert.equal(altTextChange('settings screen', 'yes'), 'replace');
  assert.equal(altTextChange('A login form', ' A login form '), 'unchanged');
  assert.deepEqual(altTextPreview('ui-screenshot.png', 'settings screen', 'yes'), {
    message: 'Replace the alt text of the image link to ui-screenshot.png?',
    detail: 'Now: settings screen\nNew: yes',
  });
});

test('remote image links get no CodeLens: they are never read', () => {
  assert.deepEqual(
    linksWithLenses(doc).map((l) => l.url),
    ['img/arch.png', 'my diagram.drawio.svg', 'b.png', './logo.png'],
  );
  assert.deepEqual(
    linksWithLenses('![a](//cdn.example.org/a.png) ![b](HTTP://x/b.png) ![c](c.png)').map((l) => l.url),
    ['c.png'],
  );
});

test('each CodeLens asks the question that fits what the link likely shows', () => {
  const lens = (url: string, alt = '') => LINK_QUESTIONS[imageLinkKind({ url, alt })];
  assert.deepEqual(lens('ui-screenshot.png', 'settings screen'), { title: 'Explain screenshot', preset: 'explain-ui' });
  assert.deepEqual(lens('img/capture-2024.png'), { title: 'Explain screenshot', preset: 'explain-ui' });
  assert.deepEqual(lens('diagram.png'), { title: 'Describe diagram', preset: 'describe-diagram' });
  assert.deepEqual(lens('flow.drawio.svg'), { title: 'Describe diagram', preset: 'describe-diagram' });
  assert.deepEqual(lens('team-photo.jpg', 'our team'), { title: 'Describe image', preset: 'describe' });
});
