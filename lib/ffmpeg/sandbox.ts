import "server-only";
import fs from "node:fs";
import path from "node:path";

/**
 * Defence in depth around every ffmpeg/ffprobe run: bubblewrap (`bwrap`) starts it in a fresh
 * mount namespace that holds only the system's programs and libraries (read-only), the run's
 * inputs (read-only) and its work folder (read-write), with a private /tmp, /proc and /dev, no
 * network and an empty environment. Even a demuxer that follows a reference in a crafted file
 * then finds nothing to read: the other users' videos, Reel's keys and database are not there.
 * Paths are bound at the same place as outside, so ffmpeg's arguments need no rewriting.
 */

export type SandboxPaths = {
  /** Files (or folders) ffmpeg may read: its inputs. */
  read: string[];
  /** Folders ffmpeg may write into: the run's work folder. */
  write: string[];
};

export const BWRAP = "bwrap";

/** Where bubblewrap comes from, for the self-test's message. */
export const SANDBOX_INSTALL_HINT =
  "Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`), " +
  "or set REEL_FFMPEG_SANDBOX=off to run ffmpeg without it (not recommended: a crafted upload could then make ffmpeg read other files on the server).";

/** The system's programs and libraries; on merged-/usr systems the top-level ones are symlinks into /usr. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"];
/** What the dynamic loader reads from /etc (library paths; Debian's alternatives, e.g. for BLAS). Not /etc itself. */
const SYSTEM_ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives"];

/**
 * bwrap's arguments (up to and including the `--` before the command) for one run. `binary` is
 * bound too when it lives outside the system folders (FFMPEG_PATH pointing at a static build).
 */
export function sandboxArgs(binary: string, { read, write }: SandboxPaths): string[] {
  // ffmpeg is the namespace's pid 1 (it starts no processes), so that its CPU time is counted as
  // the worker's children's, as without the sandbox: bwrap's own init process would not pass it on.
  const args = ["--unshare-all", "--as-pid-1", "--die-with-parent", "--new-session", "--clearenv", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin"];
  for (const dir of SYSTEM_DIRS) {
    const link = readLink(dir);
    if (link !== null) args.push("--symlink", link, dir);
    // The ignore comment keeps Next's output tracing from taking this system path for one of the app's files
    // (it would copy the whole project into the server's output).
    else if (fs.existsSync(/*turbopackIgnore: true*/ dir)) args.push("--ro-bind", dir, dir);
  }
  for (const file of SYSTEM_ETC) args.push("--ro-bind-try", file, file);
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  const devices = gpuDevices();
  for (const device of devices) args.push("--dev-bind", device, device);
  // VA-API and NVENC drivers find their device's details under /sys.
  if (devices.length) args.push("--ro-bind-try", "/sys/dev", "/sys/dev", "--ro-bind-try", "/sys/devices", "/sys/devices");
  if (path.isAbsolute(binary)) args.push("--ro-bind", binary, binary);

  // Shallow paths first, so that an input inside the work folder is bound read-only over it.
  const binds = [...write.map((p) => ({ p, flag: "--bind" })), ...read.map((p) => ({ p, flag: "--ro-bind" }))];
  binds.sort((a, b) => depth(a.p) - depth(b.p));
  for (const { p, flag } of binds) {
    if (!path.isAbsolute(p)) throw new Error(`sandbox paths must be absolute, got ${p}`);
    args.push(flag, p, p);
  }
  // The sandbox's own root is a tmpfs: read-only, so a write outside the work folder (and the
  // private /tmp) fails instead of vanishing with the sandbox.
  args.push("--remount-ro", "/", "--");
  return args;
}

function readLink(p: string): string | null {
  try {
    return fs.readlinkSync(p);
  } catch {
    return null;
  }
}

function depth(p: string): number {
  return path.resolve(p).split("/").length;
}

/** GPU devices for hardware encoders (VA-API/QSV: /dev/dri; NVENC: /dev/nvidia*), where they exist. */
function gpuDevices(): string[] {
  const nvidia = fs.readdirSync("/dev").filter((name) => name.startsWith("nvidia"));
  return [...(fs.existsSync("/dev/dri") ? ["/dev/dri"] : []), ...nvidia.map((name) => `/dev/${name}`)];
}
