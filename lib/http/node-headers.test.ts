import { describe, expect, it } from "vitest";
import { toWebHeaders } from "./node-headers";

describe("toWebHeaders", () => {
  it("copies every header, keeps each value of a list, and leaves out absent ones", () => {
    const headers = toWebHeaders({ "content-type": "text/html", "set-cookie": ["a=1", "b=2"], cookie: "s=x; t=y", authorization: undefined });
    expect(headers.get("content-type")).toBe("text/html");
    expect(headers.get("cookie")).toBe("s=x; t=y");
    expect(headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(headers.has("authorization")).toBe(false);
  });
});
