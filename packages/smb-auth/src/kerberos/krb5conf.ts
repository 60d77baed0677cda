/**
 * krb5.conf (MIT profile format) reader: sections, relations, `{ }` subsections, `include` and
 * `includedir`, comments. Only what a client needs is interpreted: [libdefaults] default_realm,
 * enctype lists, kdc_timesync, clockskew; [realms] kdc; [domain_realm]. DNS lookups are never done
 * (dns_lookup_kdc / dns_lookup_realm are ignored as if false) and KDCs are always contacted over TCP
 * (udp_preference_limit is ignored).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { localError } from "./errors.js";

/** A profile subtree: relation name -> values (strings or subsections), in file order. */
export interface ProfileSection {
  [name: string]: (string | ProfileSection)[];
}

export interface Krb5Config {
  /** Top-level sections by name ("libdefaults", "realms", "domain_realm" ...). */
  sections: Record<string, ProfileSection>;
  /** Files read (for error messages). */
  files: string[];
}

export const DEFAULT_KRB5_CONF = "/etc/krb5.conf";

/** Parses krb5.conf text (`path` resolves relative includes and is used in error messages). */
export function parseKrb5Conf(text: string, path = "krb5.conf", into?: Krb5Config, depth = 0): Krb5Config {
  const conf: Krb5Config = into ?? { sections: {}, files: [] };
  conf.files.push(path);
  let section: ProfileSection | undefined;
  const stack: ProfileSection[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const where = `${path}:${i + 1}`;
    if (stack.length === 0) {
      const inc = /^(include|includedir)\s+(.+)$/.exec(line);
      if (inc) {
        if (depth > 8) throw localError("KRB5_CONFIG", `${where}: includes nested too deeply`);
        const target = resolve(dirname(path), inc[2]!.trim());
        for (const file of inc[1] === "include" ? [target] : includedFiles(target)) {
          parseKrb5Conf(readText(file, where), file, conf, depth + 1);
        }
        section = undefined; // an include ends the current section
        continue;
      }
      const sec = /^\[([^\]]+)\]\s*\*?$/.exec(line);
      if (sec) {
        const name = sec[1]!.trim();
        conf.sections[name] ??= {};
        section = conf.sections[name];
        continue;
      }
    }
    const current = stack[stack.length - 1] ?? section;
    if (line === "}" || line === "}*") {
      if (stack.length === 0) throw localError("KRB5_CONFIG", `${where}: unbalanced "}"`);
      stack.pop();
      continue;
    }
    if (!current) throw localError("KRB5_CONFIG", `${where}: relation outside of a [section]`);
    const rel = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!rel) throw localError("KRB5_CONFIG", `${where}: expected "name = value"`);
    const name = rel[1]!;
    let value = rel[2]!.trim();
    if (value === "{") {
      const sub: ProfileSection = {};
      append(current, name, sub);
      stack.push(sub);
      continue;
    }
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value
        .slice(1, -1)
        .replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
    }
    append(current, name, value);
  }
  if (stack.length > 0) throw localError("KRB5_CONFIG", `${path}: missing "}"`);
  return conf;
}

function append(section: ProfileSection, name: string, value: string | ProfileSection): void {
  const list = section[name];
  if (list) list.push(value);
  else section[name] = [value];
}

function readText(file: string, where: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw localError("KRB5_CONFIG", `${where}: cannot read ${file}`, err);
  }
}

/** MIT includedir: files whose names are only alphanumerics, dashes and underscores, or end in ".conf". */
function includedFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw localError("KRB5_CONFIG", `cannot read includedir ${dir}`, err);
  }
  return names
    .filter((n) => /^[A-Za-z0-9_-]+$/.test(n) || n.endsWith(".conf"))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/**
 * Loads the configuration: `path`, else $KRB5_CONFIG (a colon-separated list; earlier files win), else
 * /etc/krb5.conf. Missing files give an empty configuration unless `path` was given explicitly.
 */
export function loadKrb5Conf(path?: string, env: NodeJS.ProcessEnv = process.env): Krb5Config {
  const explicit = path !== undefined;
  const list = (path ?? env.KRB5_CONFIG ?? DEFAULT_KRB5_CONF).split(":").filter(Boolean);
  const conf: Krb5Config = { sections: {}, files: [] };
  for (const file of list) {
    const full = isAbsolute(file) ? file : resolve(file);
    let text: string;
    try {
      text = readFileSync(full, "utf8");
    } catch (err) {
      if (explicit) throw localError("KRB5_CONFIG", `cannot read krb5.conf ${full}`, err);
      continue;
    }
    parseKrb5Conf(text, full, conf);
  }
  return conf;
}

/** First string value of a relation in a section. */
function first(section: ProfileSection | undefined, name: string): string | undefined {
  for (const v of section?.[name] ?? []) if (typeof v === "string") return v;
  return undefined;
}

export function libdefault(conf: Krb5Config, name: string): string | undefined {
  return first(conf.sections.libdefaults, name);
}

export function libdefaultBool(conf: Krb5Config, name: string, fallback: boolean): boolean {
  const v = libdefault(conf, name)?.toLowerCase();
  if (v === undefined) return fallback;
  return v === "true" || v === "yes" || v === "on" || v === "1";
}

export function defaultRealm(conf: Krb5Config): string | undefined {
  return libdefault(conf, "default_realm");
}

/** The [realms] REALM subsection. */
export function realmSection(conf: Krb5Config, realm: string): ProfileSection | undefined {
  for (const v of conf.sections.realms?.[realm] ?? []) if (typeof v !== "string") return v;
  return undefined;
}

export interface KdcAddress {
  host: string;
  port: number;
}

/** "host", "host:port", "[v6]:port", "tcp/host:port"; http(s) (MS-KKDCP) entries are not supported. */
export function parseKdcAddress(text: string, defaultPort = 88): KdcAddress | undefined {
  let s = text.trim();
  if (/^https?:/i.test(s) || /^kkdcp\b/i.test(s)) return undefined;
  s = s.replace(/^(tcp|udp)\//i, "");
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  const m = /^([^:\s]+)(?::(\d+))?$/.exec(s);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!(port > 0 && port < 65536)) return undefined;
  return { host: m[1]!, port };
}

/** The KDCs configured for `realm` ([realms] REALM = { kdc = ... }), in order. */
export function kdcsForRealm(conf: Krb5Config, realm: string): KdcAddress[] {
  const sec = realmSection(conf, realm);
  return (sec?.kdc ?? [])
    .filter((v): v is string => typeof v === "string")
    .map((v) => parseKdcAddress(v))
    .filter((a): a is KdcAddress => a !== undefined);
}

/**
 * The realm of `host` from [domain_realm]: an exact host entry first, then the longest ".domain" suffix
 * (MIT semantics); undefined when nothing matches.
 */
export function realmForHost(conf: Krb5Config, host: string): string | undefined {
  const map = conf.sections.domain_realm;
  if (!map) return undefined;
  const lookup = (key: string): string | undefined => {
    for (const [k, vals] of Object.entries(map)) {
      if (k.toLowerCase() !== key) continue;
      for (const v of vals) if (typeof v === "string") return v;
    }
    return undefined;
  };
  const h = host.toLowerCase().replace(/\.$/, "");
  const exact = lookup(h);
  if (exact) return exact;
  for (let dot = h.indexOf("."); dot >= 0; dot = h.indexOf(".", dot + 1)) {
    const r = lookup(h.slice(dot));
    if (r) return r;
  }
  return undefined;
}
