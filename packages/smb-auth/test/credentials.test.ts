/** Credentials: user-name forms, environment, NTLM_USER_FILE, and that secrets never leak. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { format, inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  AuthError,
  Credentials,
  credentialsFromEnv,
  negotiate,
  NtlmMechanism,
  ntowfv1,
  parseNtlmUserFile,
  parseUsername,
  readNtlmUserFile,
} from "../src/index.js";
import { NtlmAcceptor } from "./helpers/ntlm-acceptor.js";

const PASSWORD = "Tr0ub4dor&3-secret";
const NT_HEX = ntowfv1(PASSWORD).toString("hex");

/** Everything a careless caller might print. */
function renderings(value: unknown): string[] {
  return [
    inspect(value),
    inspect(value, { depth: 10, showHidden: true }),
    inspect({ nested: { value } }, { depth: 10 }),
    JSON.stringify(value),
    JSON.stringify({ value }),
    String(value),
    `${value}`,
    format("%o %O %j %s", value, value, value, value),
  ];
}

function expectNoSecret(value: unknown, ...secrets: string[]): void {
  for (const text of renderings(value)) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

describe("parseUsername", () => {
  it("splits down-level and UPN forms", () => {
    expect(parseUsername("CORP\\alice")).toEqual({ user: "alice", domain: "CORP", form: "down-level" });
    expect(parseUsername("alice@corp.example.com")).toEqual({
      user: "alice",
      domain: "corp.example.com",
      form: "upn",
    });
    expect(parseUsername("alice")).toEqual({ user: "alice", domain: undefined, form: "plain" });
    expect(parseUsername("we@ird@corp")).toEqual({ user: "we@ird", domain: "corp", form: "upn" });
    expect(parseUsername("@corp").form).toBe("plain");
  });
});

describe("Credentials", () => {
  it("parses user-name forms; an explicit domain wins", () => {
    expect(new Credentials({ username: "CORP\\alice", password: "x" })).toMatchObject({
      username: "alice",
      domain: "CORP",
    });
    const upn = new Credentials({ username: "alice@corp.example", password: "x" });
    expect(upn.principal).toBe("alice@corp.example");
    expect(upn.toString()).toBe("alice@corp.example");
    expect(new Credentials({ username: "CORP\\alice", domain: "OTHER", password: "x" }).domain).toBe("OTHER");
    expect(Credentials.anonymous().isAnonymous).toBe(true);
    expect(String(Credentials.anonymous())).toBe("<anonymous>");
  });

  it("accepts an NT hash as hex, LM:NT, or 16 bytes", () => {
    for (const ntHash of [
      NT_HEX,
      NT_HEX.toUpperCase(),
      `aad3b435b51404eeaad3b435b51404ee:${NT_HEX}`,
      Buffer.from(NT_HEX, "hex"),
    ]) {
      const c = new Credentials({ username: "alice", ntHash });
      expect(c.hasNtHash).toBe(true);
      expect(c.hasPassword).toBe(false);
    }
    expect(() => new Credentials({ username: "alice", ntHash: "abc" })).toThrow(AuthError);
    expect(() => new Credentials({ username: "alice", password: "a", ntHash: NT_HEX })).toThrow(/either/);
    expect(() => new Credentials({ username: "", password: "a" })).toThrow(/without a username/);
  });

  it("keeps password and hash out of inspect, JSON, strings and errors", () => {
    const withPassword = new Credentials({ username: "CORP\\alice", password: PASSWORD });
    const withHash = new Credentials({ username: "alice", ntHash: NT_HEX });
    expectNoSecret(withPassword, PASSWORD, NT_HEX);
    expectNoSecret(withHash, NT_HEX, NT_HEX.toUpperCase());
    expect(inspect(withPassword)).toBe(
      'Credentials { username: "alice", domain: "CORP", password: <redacted> }',
    );
    expect(JSON.parse(JSON.stringify(withHash))).toEqual({ username: "alice", ntHash: "<redacted>" });
    expect(Object.keys(withPassword)).not.toContain("password");
    // A copy keeps the secret (it authenticates) but still hides it.
    expectNoSecret(withPassword.with({ workstation: "WS" }), PASSWORD);
    try {
      new Credentials({ username: "alice", ntHash: `${PASSWORD}zz` });
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(PASSWORD);
    }
  });

  it("mechanisms and factories do not show secrets or keys either", async () => {
    const creds = new Credentials({ username: "alice", domain: "TESTDOM", password: PASSWORD });
    const acceptor = new NtlmAcceptor({ user: "alice", domain: "TESTDOM", password: PASSWORD });
    const mech = new NtlmMechanism(creds, {}, { targetName: "srv" });
    await mech.step(acceptor.challengeFor((await mech.step())!));
    const key = mech.sessionKey!.toString("hex");
    expectNoSecret(mech, PASSWORD, NT_HEX, key);
    expect(inspect(mech)).toContain("sessionKey: <redacted 16 bytes>");
    const factory = negotiate(creds);
    expectNoSecret(factory, PASSWORD, NT_HEX);
    const spnego = factory.create({ targetName: "srv" });
    await spnego.step();
    expectNoSecret(spnego, PASSWORD, NT_HEX);
  });
});

describe("credentialsFromEnv", () => {
  it("reads <prefix>USER/PASSWORD/DOMAIN only when called", () => {
    const env = { SMB_USER: "CORP\\bob", SMB_PASSWORD: PASSWORD, X_USER: "carol", X_DOMAIN: "D" };
    const c = credentialsFromEnv({ env })!;
    expect(c).toMatchObject({ username: "bob", domain: "CORP" });
    expect(c.hasPassword).toBe(true);
    expect(credentialsFromEnv({ prefix: "X_", env })).toMatchObject({ username: "carol", domain: "D" });
    expect(credentialsFromEnv({ env: {} })).toBeUndefined();
  });
});

describe("NTLM_USER_FILE", () => {
  const dir = mkdtempSync(join(tmpdir(), "smb-auth-userfile-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const text = [
    "# comment",
    "CORP:alice:pass:with:colons",
    ":bob@REALM.EXAMPLE:bobpass",
    `carol:1000:AAD3B435B51404EEAAD3B435B51404EE:${NT_HEX.toUpperCase()}:[U          ]:LCT-5EB8B6F1`,
    "",
  ].join("\n");

  it("reads the Heimdal DOMAIN:USER:PASSWORD form (password may contain colons)", async () => {
    const path = join(dir, "users");
    writeFileSync(path, text);
    const first = await readNtlmUserFile(path);
    expect(first).toMatchObject({ username: "alice", domain: "CORP" });
    const acceptor = new NtlmAcceptor({ user: "alice", domain: "CORP", password: "pass:with:colons" });
    const mech = new NtlmMechanism(first, {}, { targetName: "srv" });
    const auth = await mech.step(acceptor.challengeFor((await mech.step())!));
    expect(acceptor.accept(auth!).ok).toBe(true);
  });

  it("finds entries by user (and domain), including UPN and smbpasswd lines", () => {
    expect(parseNtlmUserFile(text, { username: "BOB" })).toMatchObject({
      username: "bob",
      domain: "REALM.EXAMPLE",
    });
    const carol = parseNtlmUserFile(text, { username: "carol" });
    expect(carol.hasNtHash).toBe(true);
    expect(parseNtlmUserFile(text, { username: "CORP\\alice" }).username).toBe("alice");
    expect(() => parseNtlmUserFile(text, { username: "alice", domain: "OTHER" })).toThrow(/no matching/);
  });

  it("reports bad files without quoting them", async () => {
    expect(() => parseNtlmUserFile(`just-a-${PASSWORD}`)).toThrow(/line 1/);
    try {
      parseNtlmUserFile(`just-a-${PASSWORD}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(PASSWORD);
    }
    await expect(readNtlmUserFile(join(dir, "missing"))).rejects.toMatchObject({
      code: "ERR_SMB_AUTH_CREDENTIALS",
    });
    const saved = process.env.NTLM_USER_FILE;
    delete process.env.NTLM_USER_FILE;
    await expect(readNtlmUserFile()).rejects.toThrow(/NTLM_USER_FILE/);
    if (saved !== undefined) process.env.NTLM_USER_FILE = saved;
  });
});
