import { describe, expect, it } from "vitest";
import { pageTitle } from "./pageTitle";

describe("pageTitle", () => {
  it("names the screen, then the account, with the unread count first", () => {
    expect(pageTitle("All Talk", "Lovelace & Co", 0)).toBe("All Talk · Lovelace & Co");
    expect(pageTitle("Search", "Lovelace & Co", 2)).toBe("(2) Search · Lovelace & Co");
    expect(pageTitle(null, "Lovelace & Co", 3)).toBe("(3) Lovelace & Co");
  });
});
