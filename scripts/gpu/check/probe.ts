// What the machine's NVIDIA GPU reports, through nvidia-smi; nothing elsewhere (software Vulkan uses the process's memory).
import { execFileSync } from 'node:child_process';

/** GPU memory in use, in MiB. */
export function nvidiaMemoryMiB(): number | undefined {
  try {
    return Number(
      execFileSync('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], {
        encoding: 'utf8',
      }).split('\n')[0],
    );
  } catch {
    return undefined;
  }
}

export function nvidiaName(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8' })
      .split('\n')[0]!
      .trim();
  } catch {
    return undefined;
  }
}
