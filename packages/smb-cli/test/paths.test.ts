import { describe, expect, it } from "vitest";
import { parseServer } from "../src/commands/server.js";
import {
  clientPath,
  displayPath,
  globMatch,
  isRemote,
  joinRemote,
  parseRemote,
  remoteBasename,
  remoteParent,
} from "../src/paths.js";

describe("remote paths", () => {
  it("parses the three forms", () => {
    expect(parseRemote("//srv/share/a/b")).toEqual({ server: "srv", share: "share", path: "a/b" });
    expect(parseRemote("\\\\srv\\share\\a\\b")).toEqual({ server: "srv", share: "share", path: "a/b" });
    expect(parseRemote("smb://dom;bob@srv:1445/share/a%20b/c")).toEqual({
      server: "srv",
      port: 1445,
      share: "share",
      path: "a b/c",
      username: "bob",
      domain: "dom",
    });
    expect(() => parseRemote("//srv")).toThrow(/no share/);
    expect(parseRemote("//srv", { needShare: false }).share).toBe("");
  });

  it("turns back into what the client takes and what messages show", () => {
    const p = parseRemote("smb://bob@srv:1445/share/a b");
    expect(clientPath(p)).toBe("smb://bob@srv:1445/share/a%20b");
    expect(parseRemote(clientPath(p))).toEqual(p);
    expect(displayPath(p)).toBe("//srv:1445/share/a b");
    expect(clientPath(parseRemote("\\\\srv\\share\\x"))).toBe("//srv/share/x");
  });

  it("joins, splits and globs", () => {
    const p = parseRemote("//srv/share/a/b");
    expect(joinRemote(p, "../c/./d").path).toBe("a/c/d");
    expect(joinRemote(p, "../../../..").path).toBe("");
    expect(remoteBasename(p)).toBe("b");
    expect(remoteParent(p).path).toBe("a");
    expect(isRemote("//x/y")).toBe(true);
    expect(isRemote("\\\\x\\y")).toBe(true);
    expect(isRemote("smb://x/y")).toBe(true);
    expect(isRemote("./x")).toBe(false);
    expect(isRemote("/tmp/x")).toBe(false);
    expect(globMatch("*.TXT", "a.txt")).toBe(true);
    expect(globMatch("a?c", "abc")).toBe(true);
    expect(globMatch("a.c", "abc")).toBe(false);
  });
});

describe("server arguments", () => {
  it("accepts //server, server, server:port, [v6]:port, v6 and smb:// URLs", () => {
    expect(parseServer("//srv")).toMatchObject({ server: "srv", share: "IPC$" });
    expect(parseServer("srv")).toEqual({ server: "srv", share: "IPC$", path: "" });
    expect(parseServer("fade:1445")).toEqual({ server: "fade", port: 1445, share: "IPC$", path: "" });
    expect(parseServer("[::1]:1445")).toEqual({ server: "::1", port: 1445, share: "IPC$", path: "" });
    expect(parseServer("fe80::1")).toEqual({ server: "fe80::1", share: "IPC$", path: "" });
    expect(parseServer("smb://bob@srv:99")).toMatchObject({ server: "srv", port: 99, username: "bob" });
    expect(() => parseServer("not a server")).toThrow(/not a server name/);
  });
});
