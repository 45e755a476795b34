import "server-only";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { env } from "@/lib/env";
import { BWRAP, sandboxArgs, type SandboxPaths } from "./sandbox";

const toolPaths = new Map<string, string | null>();

function findTool(name: string): string | null {
  if (!toolPaths.has(name)) {
    const dir = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].find((d) => fs.existsSync(path.join(d, name)));
    toolPaths.set(name, dir ? path.join(dir, name) : null);
  }
  return toolPaths.get(name)!;
}

export type TiedOptions = {
  /** What the run may read and write; everything else is out of its sight (see sandbox.ts). */
  paths: SandboxPaths;
  /** Lower the priority of long encodes so the web process stays responsive on small machines. */
  nice?: number;
};

/** The child's descriptor bwrap writes the sandbox's pid to (`--info-fd`): the one after stdin, stdout and stderr. */
const INFO_FD = 3;

/**
 * The command line that runs ffmpeg/ffprobe tied to this process and, unless
 * REEL_FFMPEG_SANDBOX=off, inside its sandbox: `setpriv --pdeathsig SIGKILL` (util-linux, Linux)
 * asks the kernel to kill it when its parent goes — even when the parent is SIGKILLed and cannot
 * clean up (a killed worker's ffmpeg would otherwise keep encoding an orphaned ladder, competing
 * with its retry); `nice` lowers its priority from the start, so every process it forks inherits
 * it; bwrap's `--die-with-parent` carries the kill on into the sandbox.
 */
export function tiedCommand(binary: string, args: string[], { paths, nice }: TiedOptions, infoFd?: number): [string, string[]] {
  const chain: string[] = [];
  const setpriv = process.platform === "linux" ? findTool("setpriv") : null;
  if (setpriv) chain.push(setpriv, "--pdeathsig", "SIGKILL", "--");
  const niceTool = nice ? findTool("nice") : null;
  if (niceTool) chain.push(niceTool, "-n", String(nice));
  if (env.REEL_FFMPEG_SANDBOX) chain.push(BWRAP, ...(infoFd === undefined ? [] : ["--info-fd", String(infoFd)]), ...sandboxArgs(binary, paths));
  chain.push(binary, ...args);
  return [chain[0], chain.slice(1)];
}

/** A spawned ffmpeg/ffprobe, and the one way to end it early. */
export type TiedProcess = { child: ChildProcessByStdio<null, Readable, Readable>; kill: () => void };

/**
 * Spawns ffmpeg/ffprobe (argument array, no shell) as `tiedCommand` says. `kill` ends it however early it comes:
 * bwrap's --die-with-parent holds only once the sandbox is set up, and bwrap killed in its first milliseconds left
 * ffmpeg running on its own, holding the pipes open (27 of 40 runs killed within 10 ms of their start). So `kill`
 * waits for the pid bwrap reports for the sandbox, kills it (the namespace's pid 1: everything in the sandbox ends
 * with it), then bwrap.
 */
export function spawnTied(binary: string, args: string[], options: TiedOptions): TiedProcess {
  const sandboxed = env.REEL_FFMPEG_SANDBOX;
  const [command, argv] = tiedCommand(binary, args, options, sandboxed ? INFO_FD : undefined);
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe", sandboxed ? "pipe" : "ignore"], windowsHide: true }) as ChildProcessByStdio<null, Readable, Readable>;
  const sandboxPid = sandboxed ? readSandboxPid(child.stdio[INFO_FD] as Readable) : Promise.resolve(null);
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    void sandboxPid.then((pid) => {
      // While bwrap runs it has not reaped the sandbox's process, so the pid cannot be another's yet.
      if (pid !== null && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      child.kill("SIGKILL");
    });
  };
  return { child, kill };
}

/** The sandbox's pid from bwrap's `{"child-pid": N}`, or null once bwrap closes the descriptor without one. */
function readSandboxPid(info: Readable): Promise<number | null> {
  return new Promise((resolve) => {
    let text = "";
    info.setEncoding("utf8");
    info.on("data", (chunk: string) => {
      text += chunk;
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    info.once("close", () => resolve(null));
    info.once("error", () => resolve(null));
  });
}
