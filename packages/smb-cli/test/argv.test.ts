import { describe, expect, it } from "vitest";
import { scrubArgv, splitUserPassword } from "../src/argv.js";

describe("scrubArgv", () => {
  it("takes the password out of -U user%password in every spelling", () => {
    for (const [args, user] of [
      [
        ["ls", "-U", "bob%s3cret", "//h/s"],
        ["ls", "-U", "bob", "//h/s"],
      ],
      [
        ["ls", "-Ubob%s3cret", "//h/s"],
        ["ls", "-U", "bob", "//h/s"],
      ],
      [
        ["ls", "--user", "bob%s3cret", "//h/s"],
        ["ls", "--user", "bob", "//h/s"],
      ],
      [
        ["ls", "--user=bob%s3cret", "//h/s"],
        ["ls", "--user=bob", "//h/s"],
      ],
    ] as const) {
      const r = scrubArgv(args);
      expect(r.args).toEqual(user);
      expect(r.password).toBe("s3cret");
      expect(r.display.join(" ")).not.toContain("s3cret");
      expect(r.display.join(" ")).toContain("bob%***");
    }
  });

  it("splits at the first % (the password may contain %) and keeps an empty password", () => {
    expect(scrubArgv(["-U", "DOM\\bob%a%b"]).password).toBe("a%b");
    expect(scrubArgv(["-U", "bob%"]).password).toBe("");
    expect(scrubArgv(["-U", "bob"]).password).toBeUndefined();
    expect(splitUserPassword("x%y%z")).toEqual({ user: "x", password: "y%z" });
  });

  it("removes passwords from smb:// URLs and leaves everything after -- alone", () => {
    const r = scrubArgv(["ls", "smb://bob:pw123@host:1445/share/x", "--", "-U", "a%b"]);
    expect(r.args).toEqual(["ls", "smb://bob@host:1445/share/x", "--", "-U", "a%b"]);
    expect(r.display[1]).toBe("smb://bob:***@host:1445/share/x");
    expect(r.password).toBeUndefined();
  });

  it("keeps the last -U password", () => {
    expect(scrubArgv(["-U", "a%one", "-U", "b%two"]).password).toBe("two");
  });
});
