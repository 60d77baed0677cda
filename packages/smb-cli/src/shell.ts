import type { Run } from "./run.js";
export async function shell(run: Run, share: string): Promise<void> {
  void run;
  void share;
}
