export * from "./constants.js";
export * from "./directory.js";
export * from "./file-info.js";
export * from "./fs-info.js";
export * from "./notify.js";
export * from "./reparse.js";
