import { describe, expect, it } from "vitest";
import { formValues, singleFields } from "./form";

function form(entries: [string, string | Blob][]) {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe("formValues", () => {
  it("gives each text field once, leaves files and Next's own fields out", () => {
    const data = form([
      ["email", "a@reel.test"],
      ["file", new File(["x"], "a.vtt")],
      ["$ACTION_REF_1", ""],
      ["$ACTION_1:0", "{}"],
    ]);
    expect(formValues(data)).toEqual({ email: "a@reel.test" });
  });

  it("refuses a repeated field, text or file, as a 400 naming it", () => {
    for (const entries of [
      [["email", "decoy@reel.test"], ["email", "victim@reel.test"]],
      [["file", new File(["a"], "a.vtt")], ["file", new File(["b"], "b.vtt")]],
    ] as [string, string | Blob][][]) {
      expect(() => formValues(form(entries))).toThrow(expect.objectContaining({ code: "bad_request", details: { fields: [{ field: entries[0][0], message: "Sent more than once" }] } }));
    }
  });

  it("applies the same rule to url-encoded bodies", () => {
    expect(Object.fromEntries(singleFields(new URLSearchParams("a=1&b=2")))).toEqual({ a: "1", b: "2" });
    expect(() => singleFields(new URLSearchParams("a=1&b=2&a=3"))).toThrow(/"a" was sent more than once/);
  });
});
