import { describe, expect, it } from "vitest";
import { searchPath } from "./search";

describe("searchPath", () => {
  it("sends the words and only the filters that are set", () => {
    const path = searchPath(new URLSearchParams({ q: "deploy AND *", room: "4", author: "", from: "2026-11-01" }));
    const url = new URL(path, "http://x");
    expect(url.pathname).toBe("/api/search");
    expect(url.searchParams.get("q")).toBe("deploy AND *");
    expect(url.searchParams.get("room")).toBe("4");
    expect(url.searchParams.get("from")).toBe("2026-11-01");
    expect(url.searchParams.has("author")).toBe(false);
    expect(url.searchParams.has("to")).toBe(false);
  });

  it("asks for more only beyond the first page", () => {
    const params = new URLSearchParams({ q: "plan" });
    expect(new URL(searchPath(params), "http://x").searchParams.has("limit")).toBe(false);
    expect(new URL(searchPath(params, 99), "http://x").searchParams.get("limit")).toBe("99");
  });

  it("escapes what was typed instead of passing it through", () => {
    const path = searchPath(new URLSearchParams({ q: "a&room=9#x" }));
    const url = new URL(path, "http://x");
    expect(url.searchParams.get("q")).toBe("a&room=9#x");
    expect(url.searchParams.has("room")).toBe(false);
  });
});
