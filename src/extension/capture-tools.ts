// Chooses the operating system's screenshot tool. Pure: given the platform and which programs exist,
// it returns the command to run or the exact words saying what to install.

export type CaptureMode = 'region' | 'screen';

/**
 * In a remote window the extension runs on the remote machine, which cannot see the user's screen.
 * Short, so the notification shows it whole; the remote's name (often a host:port) means nothing here.
 */
export const REMOTE_CAPTURE_MESSAGE =
  'InfiMM-HD: in a remote window, take the screenshot on your computer and paste it into the panel (Ctrl+V or ⌘V).';

export interface CaptureEnvironment {
  platform: NodeJS.Platform;
  /** Whether a program is on PATH. */
  has(program: string): boolean;
  /** A Wayland session (WAYLAND_DISPLAY set): X11-only tools would capture nothing useful. */
  wayland: boolean;
  /** XDG_CURRENT_DESKTOP, e.g. "GNOME", "KDE", "XFCE", "sway". */
  desktop: string;
}

export interface CapturePlan {
  tool: string;
  program: string;
  args: string[];
  /** Extra environment; the output path travels this way to PowerShell so no quoting is involved. */
  env?: Record<string, string>;
}

export type CaptureChoice = { ok: true; plan: CapturePlan } | { ok: false; message: string };

interface LinuxTool {
  tool: string;
  needs: string[];
  x11Only?: boolean;
  /** Desktops (substrings of XDG_CURRENT_DESKTOP, lower case) where this is the native tool. */
  nativeOn: string[];
  command(mode: CaptureMode, outFile: string): Pick<CapturePlan, 'program' | 'args'>;
}

const LINUX_TOOLS: LinuxTool[] = [
  {
    tool: 'gnome-screenshot',
    needs: ['gnome-screenshot'],
    nativeOn: ['gnome', 'unity', 'cinnamon', 'budgie', 'pantheon'],
    command: (mode, out) => ({
      program: 'gnome-screenshot',
      args: mode === 'region' ? ['-a', '-f', out] : ['-f', out],
    }),
  },
  {
    tool: 'spectacle',
    needs: ['spectacle'],
    nativeOn: ['kde'],
    command: (mode, out) => ({ program: 'spectacle', args: ['-b', '-n', mode === 'region' ? '-r' : '-f', '-o', out] }),
  },
  {
    tool: 'grim and slurp',
    needs: ['grim', 'slurp'],
    nativeOn: ['sway', 'hyprland', 'wlroots', 'river', 'wayfire'],
    // slurp prints the selected geometry for grim; a cancelled selection makes it exit non-zero.
    command: (mode, out) =>
      mode === 'region'
        ? { program: 'sh', args: ['-c', 'g=$(slurp) || exit 1; exec grim -g "$g" "$1"', 'sh', out] }
        : { program: 'grim', args: [out] },
  },
  {
    tool: 'xfce4-screenshooter',
    needs: ['xfce4-screenshooter'],
    nativeOn: ['xfce'],
    command: (mode, out) => ({ program: 'xfce4-screenshooter', args: [mode === 'region' ? '-r' : '-f', '-s', out] }),
  },
  {
    tool: 'scrot',
    needs: ['scrot'],
    x11Only: true,
    nativeOn: [],
    command: (mode, out) => ({ program: 'scrot', args: mode === 'region' ? ['-s', out] : [out] }),
  },
  {
    tool: 'ImageMagick import',
    needs: ['import'],
    x11Only: true,
    nativeOn: [],
    command: (mode, out) => ({ program: 'import', args: mode === 'region' ? [out] : ['-window', 'root', out] }),
  },
];

/** Every program planCapture may ask about, so the caller can look them all up at once. */
export const CAPTURE_PROGRAMS = [...LINUX_TOOLS.flatMap((t) => t.needs), 'powershell.exe'];

const WINDOWS_PRELUDE = 'Add-Type -AssemblyName System.Windows.Forms, System.Drawing; $ErrorActionPreference = "Stop"';

// The Snipping Tool overlay (ms-screenclip:) puts the region on the clipboard; we wait for it there.
const WINDOWS_REGION = `${WINDOWS_PRELUDE}
[System.Windows.Forms.Clipboard]::Clear()
Start-Process 'ms-screenclip:'
$deadline = (Get-Date).AddSeconds(120)
while ((Get-Date) -lt $deadline) {
  Start-Sleep -Milliseconds 250
  $image = [System.Windows.Forms.Clipboard]::GetImage()
  if ($image) { $image.Save($env:INFIMM_CAPTURE_FILE, [System.Drawing.Imaging.ImageFormat]::Png); exit 0 }
}
exit 2`;

const WINDOWS_SCREEN = `${WINDOWS_PRELUDE}
$bounds = [System.Windows.Forms.SystemInformation]::VirtualScreen
$bitmap = New-Object System.Drawing.Bitmap $bounds.Width, $bounds.Height
$graphics = [System.Drawing.Graphics]::FromImage($bitmap)
$graphics.CopyFromScreen($bounds.Left, $bounds.Top, 0, 0, $bitmap.Size)
$bitmap.Save($env:INFIMM_CAPTURE_FILE, [System.Drawing.Imaging.ImageFormat]::Png)`;

function linuxMissingMessage(env: CaptureEnvironment): string {
  const desktop = env.desktop.toLowerCase();
  const suggestion = desktop.includes('kde')
    ? 'spectacle (sudo apt install kde-spectacle)'
    : desktop.includes('xfce')
      ? 'xfce4-screenshooter (sudo apt install xfce4-screenshooter)'
      : env.wayland && !desktop.includes('gnome')
        ? 'grim and slurp (sudo apt install grim slurp)'
        : 'gnome-screenshot (sudo apt install gnome-screenshot)';
  const others = env.wayland
    ? 'gnome-screenshot, spectacle, grim with slurp, or xfce4-screenshooter'
    : 'gnome-screenshot, spectacle, xfce4-screenshooter, scrot or ImageMagick';
  return (
    `No screenshot tool was found${env.wayland ? ' for this Wayland session' : ''}. Install ${suggestion}, ` +
    `or another of ${others}, then run "Explain Screenshot" again. You can also paste (Ctrl+V) or drop an image into the panel.`
  );
}

function pickLinuxTool(env: CaptureEnvironment): LinuxTool | undefined {
  const desktop = env.desktop.toLowerCase();
  const usable = LINUX_TOOLS.filter((t) => t.needs.every((p) => env.has(p)) && !(env.wayland && t.x11Only));
  return usable.find((t) => t.nativeOn.some((d) => desktop.includes(d))) ?? usable[0];
}

export function planCapture(env: CaptureEnvironment, mode: CaptureMode, outFile: string): CaptureChoice {
  if (env.platform === 'darwin') {
    // -i: interactive selection (Space switches to a window); without it the whole screen.
    return {
      ok: true,
      plan: { tool: 'screencapture', program: 'screencapture', args: mode === 'region' ? ['-i', outFile] : [outFile] },
    };
  }
  if (env.platform === 'win32') {
    if (!env.has('powershell.exe')) {
      return {
        ok: false,
        message:
          'Windows PowerShell (powershell.exe) was not found on PATH; it ships with Windows. Restore it to PATH, or paste (Ctrl+V) a screenshot into the panel.',
      };
    }
    const script = mode === 'region' ? WINDOWS_REGION : WINDOWS_SCREEN;
    return {
      ok: true,
      plan: {
        tool: mode === 'region' ? 'Snipping Tool' : 'PowerShell',
        program: 'powershell.exe',
        // -EncodedCommand takes UTF-16LE base64, which sidesteps every quoting rule.
        args: [
          '-NoProfile',
          '-NonInteractive',
          '-STA',
          '-EncodedCommand',
          Buffer.from(script, 'utf16le').toString('base64'),
        ],
        env: { INFIMM_CAPTURE_FILE: outFile },
      },
    };
  }
  const tool = pickLinuxTool(env);
  if (tool === undefined) return { ok: false, message: linuxMissingMessage(env) };
  return { ok: true, plan: { tool: tool.tool, ...tool.command(mode, outFile) } };
}
