export declare const PACKAGES: readonly string[];
