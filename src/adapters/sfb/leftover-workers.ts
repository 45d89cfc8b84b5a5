// The worker processes PinDesk started, one file per process group under DATA_DIR/run/sfb-workers,
// holding the pid of the PinDesk that started it. A PinDesk killed outright (kill -9, the OOM
// killer) leaves its workers behind, and one in the middle of a cmdlet finishes it before it sees
// its input close: a set could then land on the server after the reconciler decided it had not. So
// at start, before anything else talks to the server, the groups a dead PinDesk left are killed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class LeftoverWorkers {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'run', 'sfb-workers');
  }

  /**
   * Kills the process groups recorded by a PinDesk that is gone whose leader still runs `program`
   * (a pid reused by something else is left alone), and forgets them. Groups of a PinDesk still
   * running on this DATA_DIR (the server, while `pindesk` runs beside it) are not touched.
   * Returns the pids killed.
   */
  killAll(program: string): number[] {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const killed: number[] = [];
    for (const name of readdirSync(this.dir)) {
      const pid = Number(name);
      const owner = ownerOf(path.join(this.dir, name));
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) continue;
      if (Number.isSafeInteger(pid) && pid > 1 && commandOf(pid)[0] === program) {
        try {
          process.kill(-pid, 'SIGKILL');
          killed.push(pid);
        } catch {
          // Gone in the meantime.
        }
      }
      rmSync(path.join(this.dir, name), { force: true });
    }
    return killed;
  }

  /** Records a worker's process group, with this PinDesk's pid as its owner. */
  spawned(pid: number): void {
    writeFileSync(path.join(this.dir, String(pid)), String(process.pid), { mode: 0o600 });
  }

  exited(pid: number): void {
    rmSync(path.join(this.dir, String(pid)), { force: true });
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const owner = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(owner) && owner > 1 ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's command line (Linux /proc); empty where there is none to read. */
function commandOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
