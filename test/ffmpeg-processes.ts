import fs from "node:fs";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import type { Video } from "@/lib/db/schema";
import { findVideo } from "@/lib/videos/queries";

/**
 * The ffmpeg processes whose command line holds `marker`: a video id (its source and work folders are in the
 * arguments), or `hls-ladder/<videoId>-` for the ladder's run alone (its outputs go to that work folder).
 */
function ffmpegPids(marker: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .filter((pid) => {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return cmd.startsWith("ffmpeg") && cmd.includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export function ffmpegRunningFor(marker: string): boolean {
  return ffmpegPids(marker).length > 0;
}

/** The worker has reported progress of the video's ladder: its encode is under way. */
export const ladderUnderWay = (v: Video) => v.progress?.step === "hls-ladder" && v.progress.percent > 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps a video's ladder job mid-way for as long as a test needs, without spending CPU: its ffmpeg is stopped (SIGSTOP)
 * as soon as it runs, then let on in 50 ms steps until `underWay` holds for the video's row (`ladderUnderWay`, say), so that
 * a short source is still being encoded however fast the machine. The job goes on waiting for it as for a slow encode
 * (the worker's pg-boss heartbeat continues; the run's time limit is at least 10 minutes). A stopped process still dies
 * of SIGKILL, which is how it ends in every use: the worker's cancel, or the parent-death signal when its worker is
 * SIGKILLed.
 */
export async function freezeLadder(videoId: string, underWay: (v: Video) => boolean = () => true, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const until = async (what: string, done: () => Promise<boolean> | boolean, everyMs: number) => {
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} of ${videoId}`);
      await sleep(everyMs);
    }
  };
  // Looking for the ffmpeg reads every process's command line (a few ms of CPU): the quick looks start once a worker has the job.
  await until("a worker to take the ladder", async () => [...(await db.execute(sql`select 1 from pgboss.job where name = 'hls-ladder' and data->>'videoId' = ${videoId} and state = 'active'`))].length > 0, 100);
  let pids: number[] = [];
  await until("the ladder's ffmpeg", () => (pids = ffmpegPids(`hls-ladder/${videoId}-`)).length > 0, 25);
  const signal = async (name: "SIGSTOP" | "SIGCONT") => {
    for (const pid of pids) process.kill(pid, name);
    // Stopped, not finished in the meantime (then the source would be too short).
    if (name === "SIGSTOP") for (const pid of pids) await untilStopped(pid);
  };
  await signal("SIGSTOP");
  for (;;) {
    // While it is stopped, the worker writes what it was told, and ffmpeg's and the worker's report periods (wall time) pass.
    await sleep(250);
    const video = await findVideo(videoId);
    if (video && underWay(video)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the ladder of ${videoId} to be under way`);
    await signal("SIGCONT");
    await sleep(50);
    await signal("SIGSTOP");
  }
}

/** A signal is delivered when its process next runs: waits (up to 5 s) for the state to show it stopped. */
async function untilStopped(pid: number): Promise<void> {
  const state = () => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0];
  for (let i = 0; state() !== "T"; i++) {
    if (i === 200) throw new Error(`ffmpeg ${pid} did not stop (state ${state()})`);
    await sleep(25);
  }
}
