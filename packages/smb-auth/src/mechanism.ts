/**
 * The GSS-style contract between the session layer and an authentication mechanism. One instance per
 * SESSION_SETUP exchange: the session layer feeds each server security buffer to `step` and sends back
 * what it returns until `complete`.
 */

/** One GSS-style authentication mechanism instance for one session setup. */
export interface AuthMechanism {
  /** "ntlm", "kerberos", "spnego(kerberos,ntlm)". */
  readonly name: string;
  /** Dotted OID, e.g. "1.3.6.1.4.1.311.2.2.10" for NTLMSSP. */
  readonly oid: string;
  /** Produce the next token from the server's token (undefined/empty for the first call). */
  step(input?: Uint8Array): Promise<Buffer | undefined>;
  readonly complete: boolean;
  /** The session key (SMB2 "Session.SessionKey" input) once complete. */
  readonly sessionKey: Buffer | undefined;
  /** True when the server authenticated us as guest/anonymous (NTLM: anonymous; set by caller from SessionFlags too). */
  readonly isAnonymous?: boolean;
  /** For SPNEGO mechListMIC: sign/verify with the mech's integrity (NTLM session security). Optional. */
  getMic?(data: Uint8Array): Buffer;
  verifyMic?(data: Uint8Array, mic: Uint8Array): boolean;
  /**
   * True when the mechanism requires SPNEGO to exchange mechListMICs even if the server did not ask
   * (NTLM after putting a MIC in its AUTHENTICATE_MESSAGE, MS-SPNG 3.1.5.1). Optional.
   */
  readonly requiresMechListMic?: boolean;
  /**
   * Called by SPNEGO after it used getMic/verifyMic for the mechListMIC, so later per-message integrity
   * starts from a fresh state (what Windows does for NTLM). Optional.
   */
  resetIntegrityState?(direction: "outbound" | "inbound"): void;
}

export interface AuthMechanismFactory {
  readonly name: string;
  readonly oid: string;
  create(ctx: AuthContext): AuthMechanism;
}

export interface AuthContext {
  /** Server host name for the SPN "cifs/host". */
  targetName: string;
  /**
   * Channel-binding application data (RFC 5929, e.g. "tls-server-end-point:" + certificate hash) when SMB
   * runs over TLS (QUIC). Mechanisms hash it inside a gss_channel_bindings_struct (see
   * `channelBindingsHash`).
   */
  channelBindings?: Buffer;
}
