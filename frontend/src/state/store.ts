// A tiny external store around `reduce`, read from React with useSyncExternalStore.
import { useSyncExternalStore } from "react";
import { initialState, reduce, type Action, type AppState } from "./reducer";

export type Store = {
  getState(): AppState;
  /**
   * Applies an action. With `later`, the state changes at once (later reads see it) but React
   * hears of it in the next task, once for however many such actions came before: a burst of
   * live frames is one render, not one render each (hundreds of synchronous renders in a row
   * is what React stops with "Maximum update depth exceeded").
   */
  dispatch(action: Action, options?: { later?: boolean }): void;
  subscribe(listener: () => void): () => void;
};

export function createStore(state: AppState = initialState): Store {
  const listeners = new Set<() => void>();
  let notifyScheduled = false;
  const notify = () => {
    notifyScheduled = false;
    for (const l of [...listeners]) l();
  };
  return {
    getState: () => state,
    dispatch(action, options) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      if (!options?.later) notify();
      else if (!notifyScheduled) {
        notifyScheduled = true;
        setTimeout(() => notifyScheduled && notify(), 0);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The app's one store. */
export const store = createStore();

/** Reads a slice of the state; re-renders only when the slice changes (by identity). */
export function useAppState<T>(select: (s: AppState) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}
