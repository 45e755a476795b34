import "server-only";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * The one validated view of the environment. Nothing else reads `process.env`:
 * every setting is parsed here once, and a wrong value stops start-up with a
 * message that names the variable.
 */

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const list = (separator: RegExp) =>
  z.string().transform((v) =>
    v
      .split(separator)
      .map((s) => s.trim())
      .filter(Boolean),
  );

const bytes = z
  .string()
  .regex(/^\d+(\.\d+)?\s*([kmgt]i?b?)?$/i, "expected a size such as 20GB, 500MiB or 1048576")
  .transform((v) => {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)/i.exec(v.trim())!;
    const power = " kmgt".indexOf((m[2] || " ").toLowerCase());
    return Math.round(Number(m[1]) * 1024 ** Math.max(0, power));
  });

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "expected a postgres:// or postgresql:// URL");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Public base URL, used in links shown to people (invites). Derived from the request when unset. */
  REEL_PUBLIC_URL: z.string().url().optional(),
  /**
   * How many reverse proxies in front of Reel append to X-Forwarded-For (true = 1). With 0, the header is
   * ignored and the client address comes from the socket: anyone can write that header.
   */
  REEL_TRUST_PROXY: z
    .string()
    .regex(/^(\d|true|false|yes|no|on|off)$/i, "expected a number of proxies (0-9) or true/false")
    .transform((v) => (/^\d$/.test(v) ? Number(v) : ["true", "yes", "on"].includes(v.toLowerCase()) ? 1 : 0))
    .default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  DATABASE_URL: postgresUrl.optional(),
  REEL_DATA_DIR: z.string().min(1).default("./data"),
  REEL_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),

  /** Session secret; generated under the data dir and handed to the web process by the launcher when unset. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Media signing keys, `kid:secret` pairs separated by commas; the first signs, all verify. */
  REEL_MEDIA_KEYS: z
    .string()
    .regex(/^[a-z0-9]{1,16}:[^,:]{32,}(,[a-z0-9]{1,16}:[^,:]{32,})*$/i, "expected kid:secret[,kid:secret...] with secrets of 32+ characters")
    .optional(),
  REEL_MEDIA_TOKEN_MARGIN_SECONDS: z.coerce.number().int().min(60).default(4 * 3600),

  REEL_ADMIN_EMAIL: z.string().email().optional(),
  REEL_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),

  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  REEL_HWACCEL: z.enum(["auto", "none", "nvenc", "vaapi", "qsv"]).default("auto"),
  /** ffmpeg and ffprobe run inside bubblewrap (lib/ffmpeg/sandbox.ts); off only where bwrap cannot run, with a warning. */
  REEL_FFMPEG_SANDBOX: bool.default(true),
  REEL_LADDER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .default(Math.max(1, Math.floor(os.availableParallelism() / 2))),
  /** Worker processes the launcher starts; 0 runs the web app alone (workers elsewhere). */
  REEL_WORKERS: z.coerce.number().int().min(0).max(64).default(1),

  REEL_UPLOAD_MAX_BYTES: bytes.default(20 * 1024 ** 3),
  REEL_UPLOAD_EXPIRY_HOURS: z.coerce.number().min(1).default(24),
  /** Bytes per request of a browser upload: lower it where a platform caps request bodies (e.g. 4MiB). */
  REEL_UPLOAD_CHUNK_BYTES: bytes.pipe(z.number().min(64 * 1024, "must be at least 64KiB")).default(50 * 1024 ** 2),
  /** Keep this much disk free: uploads and imports that would eat into it are refused. */
  REEL_DISK_RESERVE_BYTES: bytes.default(1024 ** 3),
  REEL_MEDIA_DIRS: list(/[,:]/).default([]),
  REEL_IMPORT_MAX_BYTES: bytes.default(20 * 1024 ** 3),
  REEL_IMPORT_TIMEOUT_SECONDS: z.coerce.number().int().min(10).default(6 * 3600),
  /** Test-only: lets URL import and the proxy reach loopback addresses. Never set it in production. */
  REEL_UNSAFE_ALLOW_LOOPBACK_FETCH: bool.default(false),

  /** Play a link (lib/proxy/): proxied streams one user may have open at once. */
  REEL_PROXY_MAX_STREAMS: z.coerce.number().int().min(1).max(1000).default(4),
  /** Requests to the link proxy one user may make per minute (bursts up to a quarter of it at once). */
  REEL_PROXY_REQUESTS_PER_MINUTE: z.coerce.number().int().min(10).default(600),
  /** Largest upstream response the proxy passes on. */
  REEL_PROXY_MAX_BYTES: bytes.default(20 * 1024 ** 3),
  REEL_PROXY_CONNECT_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(10),
  /** An upstream that sends nothing for this long is dropped. */
  REEL_PROXY_IDLE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(30),

  REEL_ACCEL: z.enum(["none", "nginx"]).default("none"),
  /** Internal location nginx maps to the media root when REEL_ACCEL=nginx. */
  REEL_ACCEL_PREFIX: z.string().startsWith("/").default("/_reel_media/"),
  /**
   * What nginx sends with each request it passes to Reel (deploy/nginx/reel.conf), so that only nginx may ask Reel to
   * hand Play a link's bytes over (lib/proxy/accel.ts). Configured, not generated: nginx's own config must hold it.
   * Characters that need no quoting in nginx's config nor in a header.
   */
  REEL_ACCEL_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9+/=._~-]{32,}$/, "expected 32+ characters of letters, digits and + / = . _ ~ - (e.g. openssl rand -hex 32)")
    .optional(),
  /** Memory for rendered catalog pages and lists (lib/server/response-cache.ts); 0 turns the cache off. */
  REEL_RESPONSE_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(64),
  /** A bearer token Prometheus may scrape `/metrics` with (administrators' API tokens work too). */
  REEL_METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),

  /** Where media bytes live: the data folder (`local`) or any S3-compatible bucket (`s3`, lib/storage/s3.ts). */
  REEL_STORAGE: z.enum(["local", "s3"]).default("local"),
  /** The S3 API endpoint; unset means AWS itself (for the region below). */
  REEL_S3_ENDPOINT: z.string().url().optional(),
  REEL_S3_REGION: z.string().min(1).default("us-east-1"),
  REEL_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name").optional(),
  /** Key prefix of everything Reel stores in the bucket (e.g. `reel/`); a slash is added when missing. */
  REEL_S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "expected a plain key prefix such as reel/")
    .transform((v) => (v && !v.endsWith("/") ? `${v}/` : v))
    .default(""),
  /** Static credentials; unset uses the SDK's usual chain (instance role, AWS_* variables, profile). */
  REEL_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  REEL_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (`endpoint/bucket/key`), needed by most self-hosted stores (Garage, SeaweedFS, Ceph, MinIO). */
  REEL_S3_FORCE_PATH_STYLE: bool.default(false),
  /**
   * A CDN in front of the bucket: presigned media URLs keep their path and query (the signature) and take this
   * origin instead of the bucket's. The CDN must forward the query string and the bucket's Host header.
   */
  REEL_MEDIA_BASE_URL: z.string().url().optional(),
  /**
   * Days raw playback reports (qoe_reports) are kept; their hourly sums (qoe_hourly) stay. At least 31: the quality
   * and audience pages read up to 30 days of raw reports.
   */
  REEL_QOE_RETENTION_DAYS: z.coerce.number().int().min(31).max(3650).default(90),
}).superRefine((v, ctx) => {
  if (v.REEL_ACCEL === "nginx" && !v.REEL_ACCEL_SECRET) {
    ctx.addIssue({ code: "custom", path: ["REEL_ACCEL_SECRET"], message: "required when REEL_ACCEL=nginx: the value deploy/nginx/reel.conf sends as $reel_accel_secret" });
  }
  if (v.REEL_STORAGE === "s3" && !v.REEL_S3_BUCKET) ctx.addIssue({ code: "custom", path: ["REEL_S3_BUCKET"], message: "required when REEL_STORAGE=s3" });
  if (!v.REEL_S3_ACCESS_KEY_ID !== !v.REEL_S3_SECRET_ACCESS_KEY) {
    ctx.addIssue({ code: "custom", path: ["REEL_S3_SECRET_ACCESS_KEY"], message: "set both REEL_S3_ACCESS_KEY_ID and REEL_S3_SECRET_ACCESS_KEY, or neither" });
  }
});

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);

/** Absolute data-folder paths; every module takes its folder from here. */
export const dataDir = path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.REEL_DATA_DIR);
export const paths = {
  data: dataDir,
  pg: path.join(/*turbopackIgnore: true*/ dataDir, "pg"),
  keys: path.join(/*turbopackIgnore: true*/ dataDir, "keys"),
  uploads: path.join(/*turbopackIgnore: true*/ dataDir, "uploads"),
  media: path.join(/*turbopackIgnore: true*/ dataDir, "media"),
  tmp: path.join(/*turbopackIgnore: true*/ dataDir, "tmp"),
};
