/** A touch screen (a phone, a tablet): Enter makes a new line, nothing takes focus by itself,
 * and the editor loads when the composer is first touched. */
export const coarsePointer = () => typeof window !== "undefined" && !!window.matchMedia?.("(pointer: coarse)").matches;
