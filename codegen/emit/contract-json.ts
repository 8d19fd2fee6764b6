import { survivesJsonRoundTrip } from "./json-round-trip.js";

/**
 * Above this much JSON, a job on the contract (its YAML: Stripe's ~0.3 s,
 * GitHub's ~0.6 s; its types: seconds) is worth starting a worker for; below,
 * it goes to a worker only when the run has one anyway (the CLI's, started
 * early).
 */
export const LARGE_CONTRACT_CHARS = 1_000_000;

/**
 * The bundled contract's JSON text (`openapi.json`), made once per run for
 * every emitter that needs it: the file itself, and the jobs that work on a
 * copy of the document in the worker (YAML, types), to which a string crosses
 * threads in one copy where the object graph would be cloned node by node.
 */
export interface ContractJson {
  /** `JSON.stringify(document, null, 2)`, computed on first use. */
  text(): string;
  /**
   * Whether the text parses back to the same value (json-round-trip.ts): only
   * then may a job read the copy instead of the document (a YAML source can
   * hold `.inf` or a tagged value, which JSON changes).
   */
  roundTrips(): boolean;
}

export function contractJson(document: unknown): ContractJson {
  let text: string | undefined;
  let roundTrips: boolean | undefined;
  return {
    text: () => {
      text ??= JSON.stringify(document, null, 2);
      return text;
    },
    roundTrips: () => {
      roundTrips ??= survivesJsonRoundTrip(document);
      return roundTrips;
    },
  };
}
