// Types `inject("samba")` in tests: the server started (or named by SMB_SERVER) in vitest-global-setup.ts.
import type { SambaInfo } from "./server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    samba: SambaInfo;
  }
}
