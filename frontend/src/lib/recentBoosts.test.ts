import { beforeEach, describe, expect, it } from "vitest";
import { RECENT_BOOSTS, recentBoosts, rememberBoost } from "./recentBoosts";

describe("recently used boosts", () => {
  beforeEach(() => localStorage.clear());

  it("puts the latest first, each once, and keeps a row's worth", () => {
    for (const b of ["👍", "🥑", "🎉", "👍"]) rememberBoost(b);
    expect(recentBoosts()).toEqual(["👍", "🎉", "🥑"]);
    for (let i = 0; i < 20; i++) rememberBoost(`b${i}`);
    expect(recentBoosts()).toHaveLength(RECENT_BOOSTS);
    expect(recentBoosts()[0]).toBe("b19");
  });

  it("ignores whatever else is stored there", () => {
    localStorage.setItem("campfire:recent-boosts", "{not json");
    expect(recentBoosts()).toEqual([]);
    localStorage.setItem("campfire:recent-boosts", JSON.stringify([1, "🔥", null]));
    expect(recentBoosts()).toEqual(["🔥"]);
  });
});
