import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CAPTURE_PROGRAMS,
  planCapture,
  REMOTE_CAPTURE_MESSAGE,
  type CaptureEnvironment,
} from '../../src/extension/capture-tools.ts';

const env = (
  platform: NodeJS.Platform,
  programs: string[],
  extra: Partial<CaptureEnvironment> = {},
): CaptureEnvironment => ({
  platform,
  has: (p) => programs.includes(p),
  wayland: false,
  desktop: '',
  ...extra,
});

function plan(e: CaptureEnvironment, mode: 'region' | 'screen' = 'region') {
  const choice = planCapture(e, mode, '/tmp/out.png');
  assert.ok(choice.ok, choice.ok ? '' : choice.message);
  return choice.plan;
}

test('macOS uses screencapture, interactive for a region', () => {
  assert.deepEqual(plan(env('darwin', [])), {
    tool: 'screencapture',
    program: 'screencapture',
    args: ['-i', '/tmp/out.png'],
  });
  assert.deepEqual(plan(env('darwin', []), 'screen').args, ['/tmp/out.png']);
});

test('Windows uses PowerShell, passing the output path through the environment', () => {
  const region = plan(env('win32', ['powershell.exe']));
  assert.equal(region.program, 'powershell.exe');
  assert.equal(region.env?.INFIMM_CAPTURE_FILE, '/tmp/out.png');
  const script = Buffer.from(region.args.at(-1)!, 'base64').toString('utf16le');
  assert.match(script, /ms-screenclip:/);
  assert.match(script, /\$env:INFIMM_CAPTURE_FILE/);
  const screen = Buffer.from(plan(env('win32', ['powershell.exe']), 'screen').args.at(-1)!, 'base64').toString(
    'utf16le',
  );
  assert.match(screen, /CopyFromScreen/);
  const missing = planCapture(env('win32', []), 'region', 'x');
  assert.ok(!missing.ok && /powershell\.exe/.test(missing.message));
});

test('Linux: each tool on its own, with region and screen arguments', () => {
  const cases: [string[], string, string[], string[]][] = [
    [['gnome-screenshot'], 'gnome-screenshot', ['-a', '-f', '/tmp/out.png'], ['-f', '/tmp/out.png']],
    [['spectacle'], 'spectacle', ['-b', '-n', '-r', '-o', '/tmp/out.png'], ['-b', '-n', '-f', '-o', '/tmp/out.png']],
    [['xfce4-screenshooter'], 'xfce4-screenshooter', ['-r', '-s', '/tmp/out.png'], ['-f', '-s', '/tmp/out.png']],
    [['scrot'], 'scrot', ['-s', '/tmp/out.png'], ['/tmp/out.png']],
    [['import'], 'import', ['/tmp/out.png'], ['-window', 'root', '/tmp/out.png']],
  ];
  for (const [programs, program, region, screen] of cases) {
    assert.deepEqual(plan(env('linux', programs)).program, program);
    assert.deepEqual(plan(env('linux', programs)).args, region, program);
    assert.deepEqual(plan(env('linux', programs), 'screen').args, screen, program);
  }
});

test('Linux: grim needs slurp to select a region, and gets the geometry from it', () => {
  const region = plan(env('linux', ['grim', 'slurp'], { wayland: true }));
  assert.equal(region.tool, 'grim and slurp');
  assert.equal(region.program, 'sh');
  assert.match(region.args[1]!, /slurp.*grim -g/);
  assert.equal(region.args.at(-1), '/tmp/out.png');
  assert.deepEqual(plan(env('linux', ['grim', 'slurp'], { wayland: true }), 'screen'), {
    tool: 'grim and slurp',
    program: 'grim',
    args: ['/tmp/out.png'],
  });
  assert.equal(planCapture(env('linux', ['grim'], { wayland: true }), 'region', 'x').ok, false);
});

test("Linux: the desktop's own tool comes first", () => {
  const all = ['gnome-screenshot', 'spectacle', 'grim', 'slurp', 'xfce4-screenshooter', 'scrot', 'import'];
  assert.equal(plan(env('linux', all, { desktop: 'KDE' })).tool, 'spectacle');
  assert.equal(plan(env('linux', all, { desktop: 'XFCE' })).tool, 'xfce4-screenshooter');
  assert.equal(plan(env('linux', all, { desktop: 'sway', wayland: true })).tool, 'grim and slurp');
  assert.equal(plan(env('linux', all, { desktop: 'ubuntu:GNOME' })).tool, 'gnome-screenshot');
  assert.equal(plan(env('linux', ['scrot', 'import'], { desktop: 'i3' })).tool, 'scrot');
});

test('Linux on Wayland: X11-only tools are not offered', () => {
  const choice = planCapture(env('linux', ['scrot', 'import'], { wayland: true, desktop: 'sway' }), 'region', 'x');
  assert.equal(choice.ok, false);
  assert.match(choice.ok ? '' : choice.message, /Wayland.*grim and slurp \(sudo apt install grim slurp\)/);
});

test('Linux without any tool: says exactly what to install for this desktop', () => {
  const message = (desktop: string, wayland = false) => {
    const choice = planCapture(env('linux', [], { desktop, wayland }), 'region', 'x');
    assert.equal(choice.ok, false);
    return choice.ok ? '' : choice.message;
  };
  assert.match(message('GNOME'), /Install gnome-screenshot \(sudo apt install gnome-screenshot\)/);
  assert.match(message('KDE'), /Install spectacle \(sudo apt install kde-spectacle\)/);
  assert.match(message('XFCE'), /xfce4-screenshooter/);
  assert.match(message(''), /scrot or ImageMagick/);
  assert.match(message(''), /paste \(Ctrl\+V\)/);
});

test('every program the planner may ask about is listed for the lookup', () => {
  const asked = new Set<string>();
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    planCapture({ platform, has: (p) => (asked.add(p), false), wayland: false, desktop: '' }, 'region', 'x');
  }
  for (const program of asked) assert.ok(CAPTURE_PROGRAMS.includes(program), program);
});

test('in a remote window the message is short and says what to do, not which machine it is', () => {
  assert.ok(
    REMOTE_CAPTURE_MESSAGE.length <= 120,
    `${REMOTE_CAPTURE_MESSAGE.length} characters: a notification would cut it off`,
  );
  assert.match(REMOTE_CAPTURE_MESSAGE, /paste it into the panel/);
  assert.doesNotMatch(REMOTE_CAPTURE_MESSAGE, /machine|\d+\.\d+\.\d+/);
});
