import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import type { Logger } from "pino";

export type ChildSpec = {
  name: string;
  /**
   * The entry: a compiled module run by node, or a TypeScript source run as `node --import tsx <script>`.
   * Either way one process, so signals and IPC reach it directly.
   */
  script: string;
  /** Options for Node itself (V8 flags), before the script. */
  nodeOptions?: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Receives each output line (stdout and stderr); undefined = inherit the launcher's terminal. */
  output?: (line: string) => void;
  /** Exiting before the first "ready" message stops everything (the web server cannot listen...). */
  fatalBeforeReady: boolean;
};

const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long before crashing starts again from the shortest backoff. */
const STABLE_MS = 60_000;

/** Starts a child process, restarts it with exponential backoff when it crashes, stops it on request. */
export class Supervised {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopping = false;
  private everReady = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private readyWaiter!: { resolve: () => void; reject: (error: Error) => void };
  /** Settles on the first "ready" message, or rejects when the child dies before it (if fatalBeforeReady). */
  readonly ready: Promise<void>;

  constructor(
    private readonly spec: ChildSpec,
    private readonly log: Logger,
  ) {
    this.ready = new Promise((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    this.ready.catch(() => undefined);
  }

  get pid() {
    return this.child?.pid;
  }

  start() {
    const { spec } = this;
    this.startedAt = Date.now();
    const piped = spec.output !== undefined;
    const loader = spec.script.endsWith(".ts") ? ["--import", "tsx"] : [];
    const child = spawn(process.execPath, [...(spec.nodeOptions ?? []), ...loader, spec.script], {
      env: spec.env,
      stdio: ["ignore", piped ? "pipe" : "inherit", piped ? "pipe" : "inherit", "ipc"],
      // Own process group: a terminal's Ctrl-C reaches only the launcher, which stops children in order.
      detached: true,
    });
    this.child = child;
    if (piped) {
      for (const stream of [child.stdout, child.stderr]) readline.createInterface({ input: stream! }).on("line", spec.output!);
    }
    child.on("message", (message: { type?: string }) => {
      if (message?.type !== "ready") return;
      this.everReady = true;
      this.readyWaiter.resolve();
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        resolve();
        this.onExit(code, signal);
      });
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null) {
    if (this.stopping) return;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (!this.everReady && this.spec.fatalBeforeReady) {
      this.readyWaiter.reject(new Error(`${this.spec.name} exited during start-up (${how})`));
      return;
    }
    if (Date.now() - this.startedAt > STABLE_MS) this.failures = 0;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++);
    this.log.error({ child: this.spec.name, code, signal, restartInMs: delay }, `${this.spec.name} exited unexpectedly (${how}); restarting in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => this.start(), delay);
  }

  /** SIGTERM, then SIGKILL to the whole process group (ffmpeg included) after `graceMs`. */
  async stop(graceMs = 15_000) {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      this.log.warn({ child: this.spec.name }, `${this.spec.name} did not stop within ${graceMs / 1000} s; killing it`);
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
