// A tiny external store around `reduce`, read from React with useSyncExternalStore.
import { useSyncExternalStore } from "react";
import { initialState, reduce, type Action, type AppState } from "./reducer";

export type Store = {
  getState(): AppState;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
};

export function createStore(state: AppState = initialState): Store {
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) l();
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
  return useSyncExternalStore(store.subscribe, () => select(store.getState()), () => select(store.getState()));
}
