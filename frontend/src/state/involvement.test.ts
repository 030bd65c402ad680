import { describe, expect, it } from "vitest";
import { nextInvolvement } from "./involvement";
import { SOUNDS, findSound, matchSounds } from "../lib/sounds";

describe("the bell", () => {
  it("cycles shared rooms mentions → everything → nothing → invisible → mentions", () => {
    const seen = ["mentions" as const];
    for (let i = 0; i < 4; i++) seen.push(nextInvolvement("open", seen[seen.length - 1]) as never);
    expect(seen).toEqual(["mentions", "everything", "nothing", "invisible", "mentions"]);
    expect(nextInvolvement("closed", "invisible")).toBe("mentions");
  });
  it("toggles direct rooms between everything and nothing", () => {
    expect(nextInvolvement("direct", "everything")).toBe("nothing");
    expect(nextInvolvement("direct", "nothing")).toBe("everything");
  });
});

describe("/play sounds", () => {
  it("has the 56 names of M8, unique, in order", () => {
    expect(SOUNDS).toHaveLength(56);
    expect(new Set(SOUNDS.map((s) => s.name)).size).toBe(56);
    expect(SOUNDS.map((s) => s.name)).toEqual([...SOUNDS.map((s) => s.name)].sort());
    expect(SOUNDS.filter((s) => s.picture).map((s) => s.name)).toEqual([
      "56k",
      "clowntown",
      "curb",
      "dangerzone",
      "deeper",
      "donotwant",
      "drama",
      "greatjob",
      "loggins",
      "nyan",
      "pushit",
      "rumble",
      "what",
      "yay",
      "yeah",
    ]);
    expect(findSound("tada")?.text).toBe("plays a fanfare 🎏");
    expect(findSound("vuvuzela")?.text).toBe("======<() ~ ♪ ~♫");
  });
  it("completes by prefix", () => {
    expect(matchSounds("tr").map((s) => s.name)).toEqual(["trololo", "trombone"]);
    expect(matchSounds("zzz")).toEqual([]);
  });
});
