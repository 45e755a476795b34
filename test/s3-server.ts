import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

/**
 * A real S3 API server on loopback for the tests: `moto_server` (moto 5.x, Python). Signatures,
 * multipart uploads, ranged GETs and presigned URLs all go over real HTTP. When it cannot start,
 * this throws: S3 tests fail loudly, they are never skipped.
 */
export type S3TestServer = { endpoint: string; bucket: string; pid: number; stop: () => Promise<void> };

export const S3_TEST_CREDENTIALS = { accessKeyId: "reel-test", secretAccessKey: "reel-test-secret" };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startS3Server({ bucket = "reel-test" } = {}): Promise<S3TestServer> {
  const port = await freePort();
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`moto_server (the S3 API server the tests need) could not start: ${why}\n${output}`));
    const timer = setTimeout(() => fail("no answer within 30 s"), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Running on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (err) => {
      clearTimeout(timer);
      fail(err.message);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(`exited with ${code}`);
    });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: S3_TEST_CREDENTIALS });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    endpoint,
    bucket,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** The `REEL_S3_*` settings of a test server (each test file picks its own prefix). */
export function s3TestEnv(server: Pick<S3TestServer, "endpoint" | "bucket">, prefix = "") {
  return {
    REEL_S3_ENDPOINT: server.endpoint,
    REEL_S3_REGION: "us-east-1",
    REEL_S3_BUCKET: server.bucket,
    REEL_S3_PREFIX: prefix,
    REEL_S3_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
    REEL_S3_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
    REEL_S3_FORCE_PATH_STYLE: "true",
  };
}
