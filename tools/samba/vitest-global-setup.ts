// vitest globalSetup: one Samba server for the whole run (or the external one named by SMB_SERVER),
// handed to tests as `inject("samba")`.
import type { TestProject } from "vitest/node";
import { externalServerFromEnv, type SambaServer, startSamba } from "./server.mjs";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server: SambaServer = externalServerFromEnv() ?? (await startSamba());
  const { stop, ...info } = server;
  project.provide("samba", info);
  return stop;
}
