import { describe, expect, it } from "vitest";
import { contrast, readableOn } from "./colour";

const AVATAR_COLOURS = [
  "#AF2E1B",
  "#CC6324",
  "#3B4B59",
  "#BFA07A",
  "#ED8008",
  "#ED3F1C",
  "#BF1B1B",
  "#736B1E",
  "#D07B53",
  "#736356",
  "#AD1D1D",
  "#BF7C2A",
  "#C09C6F",
  "#698F9C",
  "#7C956B",
  "#5D618F",
  "#3B3633",
  "#67695E",
];

describe("readableOn", () => {
  it("gives initials at least 4.5:1 on every avatar colour", () => {
    for (const bg of AVATAR_COLOURS) expect(contrast(readableOn(bg), bg)).toBeGreaterThanOrEqual(4.5);
  });
  it("keeps white where white reads", () => {
    expect(readableOn("#AF2E1B")).toBe("#ffffff");
    expect(readableOn("#BFA07A")).toBe("#000000");
  });
});
