export * from "./codes.js";
export * from "./structures.js";
