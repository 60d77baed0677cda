/** Principal names with their realm: parsing "user@REALM", "cifs/host@REALM", and display. */
import { localError } from "./errors.js";
import { NameType, type PrincipalName } from "./messages.js";

export interface Principal {
  realm: string;
  name: PrincipalName;
}

/**
 * Parses "a/b@REALM" (backslash escapes "/", "@" and "\"). Without a realm, `defaultRealm` is used; a
 * name with components is an NT-SRV-INST unless `nameType` says otherwise.
 */
export function parsePrincipal(text: string, defaultRealm?: string, nameType?: number): Principal {
  const components: string[] = [];
  let current = "";
  let realm: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      const n = text[++i]!;
      current += n === "n" ? "\n" : n === "t" ? "\t" : n === "0" ? "\0" : n;
    } else if (c === "/" && realm === undefined) {
      components.push(current);
      current = "";
    } else if (c === "@" && realm === undefined) {
      components.push(current);
      current = "";
      realm = "";
    } else {
      current += c;
    }
  }
  if (realm === undefined) components.push(current);
  else realm = current;
  realm = realm || defaultRealm;
  if (!realm) {
    throw localError(
      "KRB5_CONFIG",
      `no realm for principal "${text}": add @REALM, a realm option or default_realm`,
    );
  }
  if (components.some((c) => c === "")) throw localError("KRB5_CONFIG", `malformed principal name "${text}"`);
  return {
    realm,
    name: {
      nameType: nameType ?? (components.length > 1 ? NameType.SRV_INST : NameType.PRINCIPAL),
      names: components,
    },
  };
}

export function formatPrincipal(p: Principal): string {
  const esc = (s: string): string => s.replace(/[\\/@]/g, (c) => `\\${c}`);
  return `${p.name.names.map(esc).join("/")}@${esc(p.realm)}`;
}

/** Same principal (name components and realm; the name type is ignored, as MIT does). */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return (
    a.realm === b.realm &&
    a.name.names.length === b.name.names.length &&
    a.name.names.every((n, i) => n === b.name.names[i])
  );
}

/** The default password salt (RFC 4120 4): realm followed by the name components. */
export function defaultSalt(p: Principal): string {
  return p.realm + p.name.names.join("");
}

/** krbtgt/REALM@REALM */
export function tgsPrincipal(realm: string, clientRealm = realm): Principal {
  return { realm: clientRealm, name: { nameType: NameType.SRV_INST, names: ["krbtgt", realm] } };
}
