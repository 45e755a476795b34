import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { apiTokens, users, type User } from "@/lib/db/schema";
import { db } from "@/lib/db/client";
import { newApiToken } from "@/lib/auth/tokens";

/** A user with an API token (Bearer), the way scripts and the tus client in tests authenticate. */
export async function createUserWithToken(options: { role?: "admin" | "member"; canUpload?: boolean } = {}): Promise<{ user: User; token: string; authorization: string }> {
  const [user] = await db
    .insert(users)
    .values({
      email: `u-${Math.random().toString(36).slice(2)}@example.test`,
      name: "Test user",
      role: options.role ?? "member",
      canUpload: options.canUpload ?? false,
    })
    .returning();
  const { token, tokenHash, prefix } = newApiToken();
  await db.insert(apiTokens).values({ userId: user.id, name: "test", tokenHash, prefix });
  return { user, token, authorization: `Bearer ${token}` };
}

type RouteModule = Partial<Record<string, (request: Request, context: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>>>;

/**
 * Serves route-handler modules over real HTTP on loopback (the same Web Request/Response they get
 * from Next), so tests drive them with real clients. `routes` maps a path prefix to a module.
 */
export async function serveRoutes(routes: Record<string, RouteModule>, port = 0) {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer(async (req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const prefix = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((p) => req.url?.startsWith(p));
    const handler = prefix ? routes[prefix][req.method ?? "GET"] : undefined;
    if (!handler) return void res.writeHead(404).end();
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
      duplex: "half",
    } as RequestInit);
    try {
      const response = await handler(request, { params: Promise.resolve({}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body && req.method !== "HEAD") Readable.fromWeb(response.body as never).pipe(res);
      else res.end();
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A tiny real video (lavfi test pattern + tone, H.264/AAC in MP4). */
export function makeVideoFile(name: string, seconds = 2): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reel-ingest-"));
  const out = path.join(dir, name);
  execFileSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=320x240:rate=25:duration=${seconds}`,
    "-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`,
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out,
  ]);
  return out;
}
