import { spawn, type ChildProcessByStdio } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";

let setprivPath: string | null | undefined;

function findSetpriv(): string | null {
  if (setprivPath === undefined) {
    setprivPath = null;
    for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
      const candidate = path.join(dir, "setpriv");
      if (process.platform === "linux" && fs.existsSync(candidate)) {
        setprivPath = candidate;
        break;
      }
    }
  }
  return setprivPath;
}

/**
 * Spawns ffmpeg/ffprobe (argument array, no shell) so that it dies with the worker: on Linux it
 * is started through util-linux `setpriv --pdeathsig SIGKILL`, which asks the kernel to kill it
 * when its parent goes — even when the parent is SIGKILLed and cannot clean up. (A killed
 * worker's ffmpeg would otherwise keep encoding an orphaned ladder, competing with its retry.)
 */
export function spawnTied(binary: string, args: string[]): ChildProcessByStdio<null, Readable, Readable> {
  const setpriv = findSetpriv();
  const [command, argv] = setpriv ? [setpriv, ["--pdeathsig", "SIGKILL", "--", binary, ...args]] : [binary, args];
  return spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
}
