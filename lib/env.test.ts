import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const secret = "0123456789abcdef0123456789abcdef";

describe("REEL_ACCEL_SECRET", () => {
  it("is required with REEL_ACCEL=nginx, whose reel.conf sends it", () => {
    expect(() => parseEnv({ REEL_ACCEL: "nginx" })).toThrow(/REEL_ACCEL_SECRET: required when REEL_ACCEL=nginx/);
    expect(parseEnv({ REEL_ACCEL: "nginx", REEL_ACCEL_SECRET: secret }).REEL_ACCEL_SECRET).toBe(secret);
    expect(parseEnv({}).REEL_ACCEL_SECRET).toBeUndefined();
  });

  it("is 32+ characters that need no quoting in nginx's config nor in a header", () => {
    for (const wrong of [secret.slice(1), `${secret} x`, `${secret}"`, `${secret};`, `${secret}$x`, "paste REEL_ACCEL_SECRET here"]) {
      expect(() => parseEnv({ REEL_ACCEL: "nginx", REEL_ACCEL_SECRET: wrong }), wrong).toThrow(EnvError);
    }
    expect(parseEnv({ REEL_ACCEL_SECRET: "Zm9vYmFy+/=._~-Zm9vYmFyZm9vYmFyZm9v" }).REEL_ACCEL_SECRET).toHaveLength(35);
  });
});
