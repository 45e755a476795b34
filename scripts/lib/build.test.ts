import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStatus, serverEntry, sourceFingerprint } from "./build";

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "reel-build-"));
  await fs.mkdir(path.join(root, "app"));
  await fs.mkdir(path.join(root, "lib", "x"), { recursive: true });
  await fs.writeFile(path.join(root, "app", "page.tsx"), "export default 1;");
  await fs.writeFile(path.join(root, "lib", "x", "a.ts"), "export const a = 1;");
  await fs.writeFile(path.join(root, "lib", "x", "a.test.ts"), "test");
  await fs.writeFile(path.join(root, "package.json"), "{}");
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe("build check", () => {
  it("changes the fingerprint when a source changes, not when a test does", async () => {
    const before = await sourceFingerprint(root);
    expect(await sourceFingerprint(root)).toBe(before);

    await fs.writeFile(path.join(root, "lib", "x", "a.test.ts"), "test, edited");
    expect(await sourceFingerprint(root)).toBe(before);

    await fs.writeFile(path.join(root, "lib", "x", "a.ts"), "export const a = 2;");
    const edited = await sourceFingerprint(root);
    expect(edited).not.toBe(before);

    await fs.writeFile(path.join(root, "app", "new.tsx"), "");
    expect(await sourceFingerprint(root)).not.toBe(edited);
  });

  it("asks for a build when there is none, or it is older than the sources", async () => {
    expect(await buildStatus(root)).toEqual({ needed: true, reason: "no production build yet" });
    await fs.mkdir(path.join(root, ".next"));
    await fs.writeFile(path.join(root, ".next", "BUILD_ID"), "b1");
    expect((await buildStatus(root)).reason).toBe("the build was not made by npm start");

    await fs.writeFile(path.join(root, ".next", "reel-build.json"), JSON.stringify({ buildId: "b1", fingerprint: await sourceFingerprint(root) }));
    expect(await buildStatus(root)).toEqual({ needed: true, reason: "the server processes are not compiled" });
    await fs.mkdir(path.join(root, ".next", "reel"));
    await fs.writeFile(serverEntry(root, "web", { dev: false }), "");
    await fs.writeFile(serverEntry(root, "worker", { dev: false }), "");
    expect(await buildStatus(root)).toEqual({ needed: false, reason: "build is current" });

    await fs.appendFile(path.join(root, "app", "page.tsx"), "\n// edited");
    expect(await buildStatus(root)).toEqual({ needed: true, reason: "sources changed since the last build" });
  });
});
