import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyring } from "@/lib/media/signing";
import { parseProxyPath, proxyBase, proxyUri, PROXY_PREFIX } from "./paths";

const secret = "x".repeat(32);

function signedPath(keyring = parseKeyring(`k1:${secret}`), now = Date.now()) {
  const linkId = randomUUID();
  const { base, expiresAt } = proxyBase(linkId, 60, { keyring, now });
  const uri = proxyUri(base, { url: "https://cdn.example/film.mp4", userId: randomUUID(), kind: "bytes" }, linkId, keyring);
  return { rest: uri.slice(PROXY_PREFIX.length), expiresAt, keyring, linkId };
}

describe("parseProxyPath, asked again for a path it checked", () => {
  it("answers the same, then refuses it once the token has expired", () => {
    const { rest, expiresAt, keyring, linkId } = signedPath();
    const first = parseProxyPath(rest, expiresAt - 30, keyring);
    const again = parseProxyPath(rest, expiresAt - 29, keyring);
    expect(first.ok && again.ok).toBe(true);
    expect(again).toEqual(first);
    expect(again.ok && again.linkId).toBe(linkId);
    expect(parseProxyPath(rest, expiresAt + 1, keyring)).toEqual({ ok: false, status: 403, reason: "token expired" });
  });

  it("refuses it once its key has left the keyring", () => {
    const { rest, expiresAt, keyring } = signedPath(parseKeyring(`k1:${secret},k2:${"y".repeat(32)}`));
    expect(parseProxyPath(rest, expiresAt - 30, keyring).ok).toBe(true);
    (keyring.byKid as Map<string, unknown>).delete("k1");
    expect(parseProxyPath(rest, expiresAt - 30, keyring).ok).toBe(false);
  });

  it("does not take a path it refused for one it checked", () => {
    const { rest, expiresAt, keyring } = signedPath();
    const tampered = rest.replace(/\/([^/]+)\/media$/, (_, sealed: string) => `/${sealed.slice(0, -2)}AA/media`);
    expect(parseProxyPath(rest, expiresAt - 30, keyring).ok).toBe(true);
    expect(parseProxyPath(tampered, expiresAt - 30, keyring)).toEqual({ ok: false, status: 404, reason: "not found" });
  });
});
