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

/**
 * The command line that runs ffmpeg/ffprobe tied to this process and, unless
 * REEL_FFMPEG_SANDBOX=off, inside its sandbox: `setpriv --pdeathsig SIGKILL` (util-linux, Linux)
 * asks the kernel to kill it when its parent goes — even when the parent is SIGKILLed and cannot
 * clean up (a killed worker's ffmpeg would otherwise keep encoding an orphaned ladder, competing
 * with its retry); `nice` lowers its priority from the start, so every process it forks inherits
 * it; bwrap's `--die-with-parent` carries the kill on into the sandbox.
 */
export function tiedCommand(binary: string, args: string[], { paths, nice }: TiedOptions): [string, string[]] {
  const chain: string[] = [];
  const setpriv = process.platform === "linux" ? findTool("setpriv") : null;
  if (setpriv) chain.push(setpriv, "--pdeathsig", "SIGKILL", "--");
  const niceTool = nice ? findTool("nice") : null;
  if (niceTool) chain.push(niceTool, "-n", String(nice));
  if (env.REEL_FFMPEG_SANDBOX) chain.push(BWRAP, ...sandboxArgs(binary, paths));
  chain.push(binary, ...args);
  return [chain[0], chain.slice(1)];
}

/** Spawns ffmpeg/ffprobe (argument array, no shell) as `tiedCommand` says. */
export function spawnTied(binary: string, args: string[], options: TiedOptions): ChildProcessByStdio<null, Readable, Readable> {
  const [command, argv] = tiedCommand(binary, args, options);
  return spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
}
