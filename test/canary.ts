import { execFileSync } from "node:child_process";
import fs from "node:fs";

export type FifoCanary = {
  path: string;
  /** Whether any process opened the canary for reading; stops watching. */
  stop: () => Promise<boolean>;
};

/**
 * A file that tells whether it was opened: a FIFO. Opening one for reading blocks until a writer
 * appears, so a reader cannot slip past unseen: the watcher keeps trying to open the write end
 * without blocking (which fails with ENXIO while no reader is there) and notes when it succeeds,
 * which also lets the blocked reader go on (it reads an empty file). No timing is involved: a
 * reader waits for as long as it takes the watcher to come round.
 */
export function fifoCanary(file: string): FifoCanary {
  fs.rmSync(file, { force: true });
  execFileSync("mkfifo", [file]);
  let opened = false;
  const look = () => {
    try {
      fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      opened = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
    }
  };
  const timer = setInterval(look, 5);
  return {
    path: file,
    async stop() {
      clearInterval(timer);
      look();
      return opened;
    },
  };
}
