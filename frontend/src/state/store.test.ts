import { describe, expect, it } from "vitest";
import { createStore } from "./store";

describe("store", () => {
  it("tells listeners of a burst of later dispatches once, in the next task, with the state current at once", async () => {
    const store = createStore();
    let heard = 0;
    store.subscribe(() => heard++);
    store.dispatch({ type: "connection", status: "connecting" }, { later: true });
    store.dispatch({ type: "connection", status: "open" }, { later: true });
    store.dispatch({ type: "connection", status: "reconnecting" }, { later: true });
    expect(store.getState().connection).toBe("reconnecting");
    expect(heard).toBe(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(heard).toBe(1);
  });

  it("tells listeners at once of a plain dispatch, which also carries the waiting ones", async () => {
    const store = createStore();
    let heard = 0;
    store.subscribe(() => heard++);
    store.dispatch({ type: "connection", status: "connecting" }, { later: true });
    store.dispatch({ type: "connection", status: "open" });
    expect(heard).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(heard).toBe(1);
  });
});
