/** `@chat/protocol/testing`: what tests, fuzzers and the conformance kit share. */
export { seededRandom } from "./seeded-random.js";
