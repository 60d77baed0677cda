export * from "./referral.js";
