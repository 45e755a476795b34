import crypto from "node:crypto";
import fc from "fast-check";
import { afterEach, describe, expect, vi } from "vitest";
import { fuzz } from "@/test/fuzz";
import { isProblem, parseMediaPath } from "./paths";
import { GRANT_ORIGINAL, grantsOriginal, parseKeyring, signToken, verifyToken, type Grant } from "./signing";
import { mediaUrl } from "./urls";

// Counts the constant-time comparisons verifyToken makes, calling the real function.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  const timingSafeEqual = vi.fn(actual.timingSafeEqual);
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

/**
 * Media tokens (`<kid>.<expires>[.<grant>].<sig>`, signing.ts) and the URLs that carry them (urls.ts):
 * nothing but a token signed for this video, unexpired, under a listed key, with the grant it was
 * signed with, verifies.
 */

const keyring = parseKeyring(`k1:${"a".repeat(40)},k2:${"b".repeat(40)}`);
/** Same kid as the signer, another secret: a forger's key. */
const forged = parseKeyring(`k1:${"c".repeat(40)}`);
const NOW = 1_800_000_000;

const uuidArb = fc.uuid();
const expiryArb = fc.integer({ min: NOW + 1, max: 999_999_999_999 });
const grantArb = fc.constantFrom<Grant | undefined>(undefined, GRANT_ORIGINAL);
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Strings a client could send: anything, raw bytes, or text that looks like a token. */
const hostileTokenArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc
    .tuple(
      fc.constantFrom("k1", "k2", "k3", "K1", "", "k1k1"),
      fc.oneof(fc.integer({ min: 0, max: 999_999_999_999 }).map(String), fc.string({ unit: fc.constantFrom(..."0123456789+-.e"), maxLength: 14 })),
      fc.string({ unit: fc.constantFrom(...BASE64URL, "=", "+", "/"), minLength: 40, maxLength: 46 }),
    )
    .map(([kid, expires, sig]) => `${kid}.${expires}.${sig}`),
);

type Mutation = { token: string; videoId: string; label: string };

/** One change to a valid token or to the video it is checked for. */
const mutationArb = (token: string, videoId: string): fc.Arbitrary<Mutation> => {
  const parts = token.split(".");
  const [kid, expires] = parts;
  const sig = parts.at(-1)!;
  const grant = parts.length === 4 ? `${parts[2]}.` : "";
  const anyChar = fc.oneof(fc.constantFrom(...BASE64URL, ".", "=", "%", "/"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
  return fc.oneof(
    fc.tuple(fc.nat(token.length - 1), anyChar).map(([i, c]) => ({ token: token.slice(0, i) + c + token.slice(i + 1), videoId, label: "char flip" })),
    fc.nat(token.length - 1).map((n) => ({ token: token.slice(0, n), videoId, label: "truncated end" })),
    fc.integer({ min: 1, max: token.length }).map((n) => ({ token: token.slice(n), videoId, label: "truncated start" })),
    fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.boolean()).map(([s, front]) => ({ token: front ? s + token : token + s, videoId, label: "extended" })),
    fc.constantFrom("k2", "k3", "K1", "k1 ", " k1", "k").map((k) => ({ token: `${k}.${expires}.${grant}${sig}`, videoId, label: "key id swapped" })),
    fc
      .constantFrom("", "o.", "O.", "x.", "oo.", "o.o.", ".", "s.")
      .map((g) => ({ token: `${kid}.${expires}.${g}${sig}`, videoId, label: "grant added, removed or changed" })),
    fc
      .oneof(
        expiryArb.map(String),
        fc.constantFrom(`0${expires}`, `${Number(expires) + 1}`, `${Number(expires) - 1}`, `${expires}0`, `+${expires}`, `${expires}.0`),
      )
      .map((e) => ({ token: `${kid}.${e}.${grant}${sig}`, videoId, label: "expiry changed" })),
    fc
      .oneof(uuidArb, fc.constantFrom(videoId.toUpperCase(), `${videoId}/`, `${videoId}x`, videoId.slice(1), ` ${videoId}`, ""))
      .map((v) => ({ token, videoId: v, label: "path (video) changed" })),
    fc
      .tuple(uuidArb, expiryArb, grantArb)
      .map(([v, e, g]) => ({ token: `${kid}.${expires}.${grant}${signToken(v, e, keyring, g).split(".").at(-1)}`, videoId, label: "signature of another token" })),
  );
};

const mutatedArb = fc
  .tuple(uuidArb, expiryArb, grantArb)
  .chain(([videoId, expiresAt, grant]) => {
    const token = signToken(videoId, expiresAt, keyring, grant);
    return fc.record({ original: fc.constant({ token, videoId }), mutated: mutationArb(token, videoId) });
  })
  .filter(({ original, mutated }) => original.token !== mutated.token || original.videoId !== mutated.videoId);

/** A relative path inside a video folder, as the pipeline names files, plus odd but legal characters. */
const relPathArb = fc
  .tuple(
    fc.constantFrom("source", "mp4", "hls", "thumbs", "storyboard", "captions"),
    fc.array(
      fc
        .string({ unit: fc.oneof(fc.constantFrom(..."abcXYZ019-_.~!$&'()*+,;=:@ #?%"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 12 })
        // What paths.ts documents as refused: dot files, controls, slashes, escapes left after one decoding.
        .filter((s) => !s.startsWith(".") && !/[\x00-\x1f\x7f/\\]/.test(s) && !/%[0-9a-f]{2}/i.test(s)),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([folder, rest]) => [folder, ...rest].join("/"));

describe("media token fuzz", () => {
  afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

  fuzz(
    "hostile token strings never crash and never verify",
    fc.property(hostileTokenArb, uuidArb, (token, videoId) => {
      expect(verifyToken(token, videoId, NOW, keyring)).not.toBe("ok");
    }),
  );

  fuzz(
    "a valid token with any single change never verifies",
    fc.property(mutatedArb, ({ original, mutated }) => {
      expect(verifyToken(original.token, original.videoId, NOW, keyring)).toBe("ok");
      const verdict = verifyToken(mutated.token, mutated.videoId, NOW, keyring);
      expect(verdict, `${mutated.label}: ${JSON.stringify(mutated)}`).not.toBe("ok");
    }),
  );

  fuzz(
    "a valid token verifies exactly while now is before its expiry, under each listed key",
    fc.property(uuidArb, fc.integer({ min: 0, max: 999_999_999_999 }), fc.double({ min: 0, max: 1e12, noNaN: true }), fc.boolean(), grantArb, (videoId, expiresAt, now, rotated, grant) => {
      // After rotation the old key (now second) still verifies what it signed.
      const signer = rotated ? parseKeyring(`k2:${"b".repeat(40)}`) : keyring;
      const token = signToken(videoId, expiresAt, signer, grant);
      expect(verifyToken(token, videoId, now, keyring)).toBe(now < expiresAt ? "ok" : "expired");
      expect(verifyToken(token, videoId, now, forged)).not.toBe("ok");
      expect(grantsOriginal(token)).toBe(grant === GRANT_ORIGINAL);
    }),
  );

  fuzz(
    "the signature is compared in constant time, once, whenever the token gets that far",
    fc.property(fc.oneof(mutatedArb.map(({ mutated }) => mutated), fc.tuple(uuidArb, expiryArb, grantArb).map(([videoId, e, g]) => ({ token: signToken(videoId, e, keyring, g), videoId, label: "valid" }))), ({ token, videoId }) => {
      const compare = vi.mocked(crypto.timingSafeEqual);
      compare.mockClear();
      const verdict = verifyToken(token, videoId, NOW, keyring);
      const reachedSignature = verdict === "ok" || verdict === "bad-signature";
      expect(compare).toHaveBeenCalledTimes(reachedSignature ? 1 : 0);
      if (reachedSignature) {
        const [a, b] = compare.mock.calls[0] as [Buffer, Buffer];
        expect(a.length).toBe(43);
        expect(b.length).toBe(43);
        expect(compare.mock.results[0].value).toBe(verdict === "ok");
      }
    }),
  );

  fuzz(
    "a signed URL parses back to its video, file and a token that verifies",
    fc.property(uuidArb, relPathArb, grantArb, (videoId, rel, grant) => {
      const url = mediaUrl(videoId, rel, { keyring, ttlSeconds: 600, now: NOW * 1000, grant });
      expect(url.startsWith("/media/")).toBe(true);
      const parsed = parseMediaPath(url.slice("/media/".length));
      expect(isProblem(parsed), `${url} → ${JSON.stringify(parsed)}`).toBe(false);
      if (isProblem(parsed)) return;
      expect(parsed).toEqual({ token: parsed.token, videoId, rel });
      expect(verifyToken(parsed.token, videoId, NOW, keyring)).toBe("ok");
      expect(verifyToken(parsed.token, videoId, NOW + 601 + 75, keyring)).toBe("expired");
    }),
  );
});
