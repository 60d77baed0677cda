#!/usr/bin/env node
// Long fuzz run (issue 11; not part of CI): random and mutated bytes into every smb-structures
// decoder and into the message pump, for a given time. Needs the packages built (pnpm build).
// Usage: node tools/fuzz/run.mjs [--seconds 60] [--seed N]
import { parseArgs } from "node:util";
import fc from "fast-check";
import * as structures from "../../packages/smb-structures/dist/index.js";
import { MessagePump, SmbTransportError } from "../../packages/smb-transport/dist/index.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, seed: { type: "string" } },
});
const deadline = Date.now() + Number(values.seconds) * 1000;
const seed = values.seed ? Number(values.seed) : Date.now() % 2 ** 31;
const decoders = Object.entries(structures).filter(([, v]) => v instanceof structures.Struct);
let cases = 0;
let typedErrors = 0;
const rss0 = process.memoryUsage().rss;

function fuzzDecoders() {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: decoders.length - 1 }),
      fc.uint8Array({ maxLength: 4096 }),
      (i, bytes) => {
        const [name, s] = decoders[i];
        cases++;
        try {
          s.decode(Buffer.from(bytes));
        } catch (e) {
          if (!(e instanceof structures.SmbDecodeError)) throw new Error(`${name}: ${e?.stack ?? e}`);
          typedErrors++;
        }
      },
    ),
    { numRuns: 20000, seed },
  );
}

class Fake {
  connected = true;
  remote = "fuzz";
  async connect(h) {
    this.h = h;
  }
  send() {}
  close() {
    this.h?.onClose();
  }
  setMaxMessageSize() {}
  ref() {}
  unref() {}
}

async function fuzzPump() {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 512 }), { maxLength: 8 }), async (frames) => {
      cases++;
      const t = new Fake();
      const pump = new MessagePump(t, { timeoutMs: 5 });
      await pump.start();
      const p = pump.request({ command: 8, body: [Buffer.alloc(49)] }).catch((e) => {
        if (!(e instanceof SmbTransportError)) throw e;
      });
      for (const f of frames) t.h.onMessage(Buffer.from(f));
      await p;
      pump.close();
    }),
    { numRuns: 2000, seed },
  );
}

let rounds = 0;
while (Date.now() < deadline) {
  fuzzDecoders();
  await fuzzPump();
  rounds++;
}
const growth = (process.memoryUsage().rss - rss0) / 1048576;
console.log(
  `fuzz: ${rounds} rounds, ${cases} cases over ${decoders.length} decoders + the pump (seed ${seed}), ` +
    `${typedErrors} typed decode errors, no other exception; RSS growth ${growth.toFixed(1)} MiB`,
);
