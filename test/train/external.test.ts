// The held-out renderers (python/infimm/data/external.py): bar charts drawn by matplotlib and diagrams drawn by
// Graphviz, with figures.py's questions. Three seeds of each: RGB images of the expected size, the same image
// for the same seed, every recorded text box inside the image, and every answer read off the image among the
// recorded texts.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

interface Render {
  mode: string;
  size: [number, number];
  deterministic: boolean;
  caption: string;
  questions: string[];
  kinds: string[];
  texts: string[];
  boxes_are_ints: boolean;
  boxes_outside: [string, number[]][];
  answers_missing: string[];
  answers_checked: number;
}

// `dot -V` (Graphviz has no --version) exits 0.
const hasDot = () => spawnSync('dot', ['-V'], { stdio: 'ignore' }).status === 0;
const available = () => hasPythonModule('PIL') && hasPythonModule('matplotlib') && hasDot();
const WHAT = 'python3-pil, python3-matplotlib and graphviz';

function renders(): Record<'matplotlib_chart' | 'graphviz_diagram', Render[]> {
  const stdout = execFileSync(PYTHON, [join(import.meta.dirname, 'external_checks.py'), '3'], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout);
}

test('held-out renderers: matplotlib charts and Graphviz diagrams with figures.py questions and text boxes', (t) => {
  if (!requireOrSkip(t, available(), WHAT)) return;
  const all = renders();
  const expected = {
    // [smallest side, largest side] in pixels; the first question of each family
    matplotlib_chart: {
      sides: [200, 420],
      first: 'What is the title of the chart?',
      count: 'How many bars are there?',
    },
    graphviz_diagram: { sides: [150, 400], first: 'How many boxes are there?', count: 'How many boxes are there?' },
  } as const;
  for (const [name, samples] of Object.entries(all) as [keyof typeof expected, Render[]][]) {
    assert.equal(samples.length, 3, name);
    for (const [seed, r] of samples.entries()) {
      const where = `${name} seed ${seed}: ${JSON.stringify(r)}`;
      const [low, high] = expected[name].sides;
      assert.equal(r.mode, 'RGB', where);
      assert.ok(
        r.size.every((side) => side >= low && side <= high),
        where,
      );
      assert.ok(r.deterministic, `${where}: the same seed rendered differently`);
      // figures.py's question set: a reading or structure question first, a count, a description last.
      assert.equal(r.questions[0], expected[name].first, where);
      assert.ok(r.questions.includes(expected[name].count), where);
      assert.equal(r.kinds.at(-1), 'description', where);
      assert.ok(r.boxes_are_ints, where);
      assert.deepEqual(r.boxes_outside, [], where);
      assert.ok(r.answers_checked >= 3, where);
      assert.deepEqual(r.answers_missing, [], where);
    }
  }
  // A chart records its title, its value axis ticks and one value label per bar besides the category labels.
  for (const r of all.matplotlib_chart) {
    const bars = Number(/with (\d) bars/.exec(r.caption)?.[1]);
    assert.ok(bars >= 2 && bars <= 5, r.caption);
    assert.ok(r.texts.length >= 1 + 2 * bars + 2, JSON.stringify(r.texts));
  }
  // A diagram records each node name and each edge label (at least n - 1 edges), and any title and sublabels.
  for (const r of all.graphviz_diagram) {
    const boxes = Number(/of (\d) boxes/.exec(r.caption)?.[1]);
    assert.ok(boxes >= 2 && boxes <= 5, r.caption);
    assert.ok(r.texts.length >= 2 * boxes - 1, JSON.stringify(r.texts));
  }
});
