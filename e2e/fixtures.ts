import { randomBytes } from "node:crypto";
import { test as base, expect, request as playwrightRequest, type APIRequestContext, type APIResponse, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { sql } from "drizzle-orm";
import { hashPassword } from "../lib/auth/passwords";
import { closeDb, db } from "../lib/db/client";
import { retryOnDeadlock } from "../lib/db/errors";
import { deleteUserRow, insertUser } from "../lib/users/queries";
import { baseURL } from "./env";
import { createTestVideo } from "./watch-media";

/**
 * Shared Playwright fixtures. Accounts are created straight in the database of the instance under
 * test (DATABASE_URL, exported by `npm test`) through lib modules, then signed in through Auth.js's
 * endpoints like any script would, so tests start signed in without clicking through /login.
 *
 * The instance must run with REEL_TRUST_PROXY=1: tests that provoke the sign-in rate limit give each
 * "client" its own X-Forwarded-For address, so they never lock out the rest of the suite.
 */

/** The administrator the first-run spec creates through /setup. */
export const FIRST_ADMIN = { name: "First Admin", email: "first-admin@reel.test", password: "first admin password" };

export const PASSWORD = "e2e password 0123";

export type Account = { id: string; email: string; name: string; password: string; role: "admin" | "member"; canUpload: boolean };
export type SignedIn = { account: Account; storageState: Awaited<ReturnType<APIRequestContext["storageState"]>> };

export function uniqueEmail(label = "user") {
  return `${label}-${randomBytes(5).toString("hex")}@reel.test`;
}

/** A fresh X-Forwarded-For address from TEST-NET-2, for rate-limit tests. */
export function uniqueIp() {
  const b = randomBytes(2);
  return `198.51.${b[0]}.${b[1]}`;
}

/** Creates an account directly in the database (no UI, no API). */
export async function createAccount(options: Partial<Pick<Account, "name" | "role" | "canUpload" | "password">> & { email?: string } = {}): Promise<Account> {
  const role = options.role ?? "member";
  const password = options.password ?? PASSWORD;
  const user = await insertUser(db, {
    email: options.email ?? uniqueEmail(role),
    name: options.name ?? (role === "admin" ? "Ada Admin" : "Max Member"),
    role,
    canUpload: options.canUpload ?? role === "admin",
    passwordHash: await hashPassword(password),
  });
  return { id: user.id, email: user.email, name: user.name, password, role: user.role, canUpload: user.canUpload };
}

export async function deleteAccount(id: string) {
  // The account's player may still be saving its position as the test ends.
  await retryOnDeadlock(() => deleteUserRow(db, id));
}

/** Forgets failed sign-ins recorded for these addresses/accounts (a rate-limit test cleaning up after itself). */
export async function clearLoginFailures(keys: { ips?: string[]; emails?: string[] }) {
  const all = [...(keys.ips ?? []).map((ip) => `ip:${ip}`), ...(keys.emails ?? []).map((e) => `account:${e.toLowerCase()}`)];
  if (all.length) await db.execute(sql`delete from login_failures where key = any(${sql.param(all)}::text[])`);
}

/**
 * Signs in through Auth.js's credentials endpoint: GET /api/auth/csrf, then POST the form with the CSRF
 * token. The context keeps the cookies. Returns the callback's own answer (a 302 on success or failure,
 * a 429 when rate-limited).
 */
export async function apiSignIn(request: APIRequestContext, email: string, password: string, headers: Record<string, string> = {}): Promise<APIResponse> {
  const csrf = await request.get("/api/auth/csrf", { headers });
  expect(csrf.ok()).toBeTruthy();
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  return request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, callbackUrl: "/" },
    headers,
    maxRedirects: 0,
  });
}

async function signedIn(account: Account): Promise<SignedIn> {
  const request = await playwrightRequest.newContext({ baseURL });
  try {
    const response = await apiSignIn(request, account.email, account.password);
    const location = response.headers()["location"] ?? "";
    if (response.status() !== 302 || location.includes("error=")) throw new Error(`could not sign in ${account.email}: ${response.status()} ${location}`);
    return { account, storageState: await request.storageState() };
  } finally {
    await request.dispose();
  }
}

const watchedContexts = new WeakSet<BrowserContext>();

/**
 * Records every Content-Security-Policy violation in the context's pages: the document's securitypolicyviolation
 * events (from a listener in place before any of the page's scripts) and Chromium's "Refused to …" console messages.
 */
export async function watchCsp(context: BrowserContext, seen: string[]) {
  if (watchedContexts.has(context)) return;
  watchedContexts.add(context);
  await context.exposeBinding("reelCspViolation", ({ page }, text: string) => void seen.push(`${page?.url()}: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { reelCspViolation(text: string): Promise<void> }).reelCspViolation;
      void report(`${e.effectiveDirective} refused ${e.blockedURI || "an inline item"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
    });
  });
  const listen = (page: Page) => page.on("console", (message) => void (/Refused to/.test(message.text()) && seen.push(`${page.url()}: ${message.text()}`)));
  context.pages().forEach(listen);
  context.on("page", listen);
}

type WorkerFixtures = { database: void; admin: SignedIn; member: SignedIn; uploader: SignedIn };
type TestFixtures = { adminPage: Page; memberPage: Page; uploaderPage: Page; cspViolations: string[] };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  /**
   * Every test's pages run under Reel's Content-Security-Policy, and any violation fails the test: each browser
   * context a test opens (fixtures or its own browser.newContext) is watched. A test that provokes a violation on
   * purpose takes it out of this list.
   */
  cspViolations: [
    async ({ browser }, provide) => {
      const seen: string[] = [];
      const newContext = browser.newContext;
      browser.newContext = async function (this: Browser, ...args: Parameters<Browser["newContext"]>) {
        const context = await newContext.apply(this, args);
        await watchCsp(context, seen);
        return context;
      };
      await provide(seen);
      browser.newContext = newContext;
      expect(seen, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, cspViolations }, provide) => {
    await watchCsp(context, cspViolations);
    await provide(context);
  },
  // Closes this worker's database pool last (auto fixtures are set up first and torn down last).
  database: [
    async ({}, provide) => {
      await provide();
      await closeDb();
    },
    { scope: "worker", auto: true },
  ],
  admin: [
    async ({}, provide) => {
      const account = await createAccount({ role: "admin" });
      await provide(await signedIn(account));
      await deleteAccount(account.id);
    },
    { scope: "worker" },
  ],
  member: [
    async ({}, provide) => {
      const account = await createAccount({ role: "member", canUpload: false });
      await provide(await signedIn(account));
      await deleteAccount(account.id);
    },
    { scope: "worker" },
  ],
  uploader: [
    async ({}, provide) => {
      const account = await createAccount({ role: "member", canUpload: true, name: "Uma Uploader" });
      await provide(await signedIn(account));
      await deleteAccount(account.id);
    },
    { scope: "worker" },
  ],
  adminPage: async ({ browser, admin }, provide) => {
    const context = await browser.newContext({ storageState: admin.storageState });
    await provide(await context.newPage());
    await context.close();
  },
  memberPage: async ({ browser, member }, provide) => {
    const context = await browser.newContext({ storageState: member.storageState });
    await provide(await context.newPage());
    await context.close();
  },
  uploaderPage: async ({ browser, uploader }, provide) => {
    const context = await browser.newContext({ storageState: uploader.storageState });
    await provide(await context.newPage());
    await context.close();
  },
});

type TestVideoOptions = Parameters<typeof createTestVideo>[0];

/**
 * Test videos with their media (watch-media.ts), made once before the spec's tests. Each entry of the answer is filled
 * in place then, so a spec can destructure it at the top: `const { clip } = videosBeforeAll({ clip: {…} })`.
 */
export function videosBeforeAll<K extends string>(specs: Record<K, TestVideoOptions>): Record<K, Awaited<ReturnType<typeof createTestVideo>>> {
  const entries = Object.entries<TestVideoOptions>(specs).map(([name, options]) => ({ name, options, video: {} as Awaited<ReturnType<typeof createTestVideo>> }));
  test.beforeAll(async () => {
    // Encoding the ladders takes longer than a hook's default time on a busy machine.
    test.setTimeout(60_000);
    await Promise.all(entries.map(async ({ options, video }) => Object.assign(video, await createTestVideo(options))));
  });
  return Object.fromEntries(entries.map(({ name, video }) => [name, video])) as Record<K, Awaited<ReturnType<typeof createTestVideo>>>;
}

export { expect };
