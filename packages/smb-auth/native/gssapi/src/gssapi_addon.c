/*
 * A minimal N-API binding to the system GSS-API (MIT krb5 or Heimdal's libgssapi_krb5) for SMB: an
 * initiator context for "cifs@host" (Kerberos or SPNEGO) whose session key is read with
 * gss_inquire_sec_context_by_oid(GSS_C_INQ_SSPI_SESSION_KEY) -- the one thing the npm `kerberos` package
 * does not expose and SMB signing needs.
 *
 * JS API (wrapped by src/kerberos/system-gssapi.ts):
 *   createContext(target: string, mech: "krb5" | "spnego", flags: number, ccache?: string,
 *                 channelBindings?: Buffer) -> handle
 *   step(handle, input: Buffer | null) -> Promise<{ token: Buffer | null, complete: boolean,
 *                                                   flags: number, sessionKey: Buffer | null }>
 *     (gss_init_sec_context may talk to the KDC: runs on the libuv thread pool)
 *   getMic(handle, data: Buffer) -> Buffer; verifyMic(handle, data: Buffer, mic: Buffer) -> boolean
 *   release(handle) -> undefined (also done by the handle's finalizer)
 * Errors carry the gss_display_status text of the major and minor status, and `major`/`minor` numbers.
 */
#include <node_api.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1.2.840.113554.1.2.2 */
static gss_OID_desc krb5_oid = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
/* 1.3.6.1.5.5.2 */
static gss_OID_desc spnego_oid = {6, (void *)"\x2b\x06\x01\x05\x05\x02"};
/* GSS_C_INQ_SSPI_SESSION_KEY, 1.2.840.113554.1.2.2.5.5 */
static gss_OID_desc session_key_oid = {11, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x05\x05"};

typedef struct {
  gss_ctx_id_t ctx;
  gss_name_t target;
  gss_cred_id_t cred;
  gss_OID mech;
  OM_uint32 req_flags;
  int has_cb;
  struct gss_channel_bindings_struct cb;
  int busy;
  int complete;
} context_t;

#define CALL(env, call)                                  \
  do {                                                   \
    if ((call) != napi_ok) {                             \
      napi_throw_error((env), NULL, "N-API call failed"); \
      return NULL;                                       \
    }                                                    \
  } while (0)

/* "<what>: <major text>; <minor text>" into buf. */
static void status_text(char *buf, size_t size, const char *what, OM_uint32 major, OM_uint32 minor,
                        gss_OID mech) {
  size_t used = (size_t)snprintf(buf, size, "%s failed: ", what);
  int types[2] = {GSS_C_GSS_CODE, GSS_C_MECH_CODE};
  OM_uint32 codes[2] = {major, minor};
  for (int i = 0; i < 2 && used < size; i++) {
    if (i == 1 && minor == 0) break;
    OM_uint32 ctx = 0, maj, min;
    do {
      gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;
      maj = gss_display_status(&min, codes[i], types[i], i == 1 ? mech : GSS_C_NO_OID, &ctx, &msg);
      if (GSS_ERROR(maj)) break;
      used += (size_t)snprintf(buf + used, size - used, "%s%.*s", i == 1 ? "; " : "", (int)msg.length,
                               (const char *)msg.value);
      gss_release_buffer(&min, &msg);
      if (i == 0 && ctx != 0 && used < size) used += (size_t)snprintf(buf + used, size - used, ", ");
    } while (ctx != 0 && used < size);
  }
}

static napi_value make_error(napi_env env, const char *text, OM_uint32 major, OM_uint32 minor) {
  napi_value msg, err, v;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_uint32(env, major, &v);
  napi_set_named_property(env, err, "major", v);
  napi_create_uint32(env, minor, &v);
  napi_set_named_property(env, err, "minor", v);
  return err;
}

static void throw_gss(napi_env env, const char *what, OM_uint32 major, OM_uint32 minor, gss_OID mech) {
  char buf[1024];
  status_text(buf, sizeof buf, what, major, minor, mech);
  napi_throw(env, make_error(env, buf, major, minor));
}

static void context_free(context_t *c) {
  OM_uint32 min;
  if (c->ctx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&min, &c->ctx, GSS_C_NO_BUFFER);
  if (c->target != GSS_C_NO_NAME) gss_release_name(&min, &c->target);
  if (c->cred != GSS_C_NO_CREDENTIAL) gss_release_cred(&min, &c->cred);
  free(c->cb.application_data.value);
  c->cb.application_data.value = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  context_t *c = data;
  context_free(c);
  free(c);
}

static context_t *get_context(napi_env env, napi_value v) {
  void *data = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, NULL, "expected a GSS context handle");
    return NULL;
  }
  return data;
}

/* Optional Buffer argument: 1 with data/len set, 0 when null/undefined, -1 (thrown) otherwise. */
static int get_buffer(napi_env env, napi_value v, void **data, size_t *len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_undefined || t == napi_null) return 0;
  bool is;
  napi_is_buffer(env, v, &is);
  if (!is || napi_get_buffer_info(env, v, data, len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a Buffer");
    return -1;
  }
  return 1;
}

static napi_value create_context(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char target[1024], mech[16], ccache[4096];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], target, sizeof target, &n) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], mech, sizeof mech, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "createContext(target: string, mech: string, flags, ccache?, cb?)");
    return NULL;
  }
  uint32_t flags = 0;
  napi_get_value_uint32(env, argv[2], &flags);
  context_t *c = calloc(1, sizeof *c);
  if (!c) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  c->ctx = GSS_C_NO_CONTEXT;
  c->target = GSS_C_NO_NAME;
  c->cred = GSS_C_NO_CREDENTIAL;
  c->req_flags = flags;
  if (strcmp(mech, "krb5") == 0) {
    c->mech = &krb5_oid;
  } else if (strcmp(mech, "spnego") == 0) {
    c->mech = &spnego_oid;
  } else {
    free(c);
    napi_throw_type_error(env, NULL, "mech must be \"krb5\" or \"spnego\"");
    return NULL;
  }

  OM_uint32 maj, min;
  gss_buffer_desc name = {strlen(target), target};
  maj = gss_import_name(&min, &name, GSS_C_NT_HOSTBASED_SERVICE, &c->target);
  if (GSS_ERROR(maj)) {
    context_free(c);
    free(c);
    throw_gss(env, "gss_import_name", maj, min, &krb5_oid);
    return NULL;
  }

  napi_valuetype t = napi_undefined;
  if (argc > 3) napi_typeof(env, argv[3], &t);
  if (t == napi_string) {
    if (napi_get_value_string_utf8(env, argv[3], ccache, sizeof ccache, &n) != napi_ok) {
      context_free(c);
      free(c);
      napi_throw_type_error(env, NULL, "ccache must be a string");
      return NULL;
    }
    /* Initiator credentials from this credential cache only (MIT cred store extension). */
    gss_key_value_element_desc el = {"ccache", ccache};
    gss_key_value_set_desc store = {1, &el};
    gss_OID_set_desc mechs = {1, &krb5_oid};
    maj = gss_acquire_cred_from(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &store,
                                &c->cred, NULL, NULL);
    if (GSS_ERROR(maj)) {
      char buf[1024];
      status_text(buf, sizeof buf, "gss_acquire_cred_from", maj, min, &krb5_oid);
      context_free(c);
      free(c);
      napi_throw(env, make_error(env, buf, maj, min));
      return NULL;
    }
  }

  if (argc > 4) {
    void *data;
    size_t len;
    int r = get_buffer(env, argv[4], &data, &len);
    if (r < 0) {
      context_free(c);
      free(c);
      return NULL;
    }
    if (r > 0) {
      c->has_cb = 1;
      c->cb.initiator_addrtype = GSS_C_AF_UNSPEC;
      c->cb.acceptor_addrtype = GSS_C_AF_UNSPEC;
      c->cb.application_data.length = len;
      c->cb.application_data.value = malloc(len ? len : 1);
      if (len) memcpy(c->cb.application_data.value, data, len);
    }
  }

  napi_value handle;
  if (napi_create_external(env, c, finalize, NULL, &handle) != napi_ok) {
    context_free(c);
    free(c);
    napi_throw_error(env, NULL, "napi_create_external failed");
    return NULL;
  }
  return handle;
}

/* ---- step: gss_init_sec_context on the thread pool ---- */

typedef struct {
  context_t *c;
  napi_ref handle_ref; /* keeps the context alive while the work runs */
  napi_deferred deferred;
  napi_async_work work;
  void *input;
  size_t input_len;
  OM_uint32 major, minor;
  const char *failed; /* which call failed, or NULL */
  gss_buffer_desc output;
  OM_uint32 ret_flags;
  int complete;
  void *key;
  size_t key_len;
} step_t;

static void step_execute(napi_env env, void *data) {
  step_t *s = data;
  context_t *c = s->c;
  OM_uint32 maj, min;
  gss_buffer_desc in = {s->input_len, s->input};
  maj = gss_init_sec_context(&min, c->cred, &c->ctx, c->target, c->mech, c->req_flags, 0,
                             c->has_cb ? &c->cb : GSS_C_NO_CHANNEL_BINDINGS,
                             s->input ? &in : GSS_C_NO_BUFFER, NULL, &s->output, &s->ret_flags, NULL);
  if (GSS_ERROR(maj)) {
    s->failed = "gss_init_sec_context";
    s->major = maj;
    s->minor = min;
    return;
  }
  if (maj & GSS_S_CONTINUE_NEEDED) return;
  s->complete = 1;
  gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
  maj = gss_inquire_sec_context_by_oid(&min, c->ctx, &session_key_oid, &set);
  if (GSS_ERROR(maj) || set == GSS_C_NO_BUFFER_SET || set->count < 1) {
    s->failed = "gss_inquire_sec_context_by_oid(GSS_C_INQ_SSPI_SESSION_KEY)";
    s->major = GSS_ERROR(maj) ? maj : GSS_S_FAILURE;
    s->minor = min;
    if (set != GSS_C_NO_BUFFER_SET) gss_release_buffer_set(&min, &set);
    return;
  }
  /* elements[0] is the key, elements[1] (MIT) the OID of its enctype. */
  s->key_len = set->elements[0].length;
  s->key = malloc(s->key_len ? s->key_len : 1);
  if (s->key) memcpy(s->key, set->elements[0].value, s->key_len);
  gss_release_buffer_set(&min, &set);
}

static void step_complete(napi_env env, napi_status status, void *data) {
  step_t *s = data;
  OM_uint32 min;
  s->c->busy = 0;
  napi_value result = NULL, err = NULL;
  if (status != napi_ok) {
    napi_value msg;
    napi_create_string_utf8(env, "GSS step was cancelled", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
  } else if (s->failed) {
    char buf[1024];
    status_text(buf, sizeof buf, s->failed, s->major, s->minor, &krb5_oid);
    err = make_error(env, buf, s->major, s->minor);
  } else if (s->complete && !s->key) {
    napi_value msg;
    napi_create_string_utf8(env, "out of memory", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
  } else {
    napi_value v;
    napi_create_object(env, &result);
    if (s->output.length > 0) {
      napi_create_buffer_copy(env, s->output.length, s->output.value, NULL, &v);
    } else {
      napi_get_null(env, &v);
    }
    napi_set_named_property(env, result, "token", v);
    napi_get_boolean(env, s->complete, &v);
    napi_set_named_property(env, result, "complete", v);
    napi_create_uint32(env, s->ret_flags, &v);
    napi_set_named_property(env, result, "flags", v);
    if (s->key) {
      napi_create_buffer_copy(env, s->key_len, s->key, NULL, &v);
    } else {
      napi_get_null(env, &v);
    }
    napi_set_named_property(env, result, "sessionKey", v);
    if (s->complete) s->c->complete = 1;
  }
  if (err) {
    napi_reject_deferred(env, s->deferred, err);
  } else {
    napi_resolve_deferred(env, s->deferred, result);
  }
  if (s->output.value) gss_release_buffer(&min, &s->output);
  if (s->key) {
    memset(s->key, 0, s->key_len);
    free(s->key);
  }
  free(s->input);
  napi_delete_reference(env, s->handle_ref);
  napi_delete_async_work(env, s->work);
  free(s);
}

static napi_value step(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_t *c = get_context(env, argv[0]);
  if (!c) return NULL;
  if (c->busy) {
    napi_throw_error(env, NULL, "a GSS step is already running on this context");
    return NULL;
  }
  if (c->complete) {
    napi_throw_error(env, NULL, "the GSS context is already complete");
    return NULL;
  }
  void *data = NULL;
  size_t len = 0;
  int r = argc > 1 ? get_buffer(env, argv[1], &data, &len) : 0;
  if (r < 0) return NULL;
  step_t *s = calloc(1, sizeof *s);
  if (!s) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  s->c = c;
  if (r > 0 && len > 0) {
    s->input = malloc(len);
    if (!s->input) {
      free(s);
      napi_throw_error(env, NULL, "out of memory");
      return NULL;
    }
    memcpy(s->input, data, len);
    s->input_len = len;
  }
  napi_value promise, name;
  CALL(env, napi_create_reference(env, argv[0], 1, &s->handle_ref));
  CALL(env, napi_create_promise(env, &s->deferred, &promise));
  CALL(env, napi_create_string_utf8(env, "smb_gssapi.step", NAPI_AUTO_LENGTH, &name));
  CALL(env, napi_create_async_work(env, NULL, name, step_execute, step_complete, s, &s->work));
  CALL(env, napi_queue_async_work(env, s->work));
  c->busy = 1;
  return promise;
}

static napi_value get_mic(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_t *c = get_context(env, argv[0]);
  if (!c) return NULL;
  void *data;
  size_t len;
  if (get_buffer(env, argv[1], &data, &len) <= 0) {
    napi_throw_type_error(env, NULL, "getMic(handle, data: Buffer)");
    return NULL;
  }
  if (!c->complete || c->busy) {
    napi_throw_error(env, NULL, "getMic before the GSS context is complete");
    return NULL;
  }
  OM_uint32 maj, min;
  gss_buffer_desc msg = {len, data}, mic = GSS_C_EMPTY_BUFFER;
  maj = gss_get_mic(&min, c->ctx, GSS_C_QOP_DEFAULT, &msg, &mic);
  if (GSS_ERROR(maj)) {
    throw_gss(env, "gss_get_mic", maj, min, &krb5_oid);
    return NULL;
  }
  napi_value out;
  napi_status st = napi_create_buffer_copy(env, mic.length, mic.value, NULL, &out);
  gss_release_buffer(&min, &mic);
  if (st != napi_ok) {
    napi_throw_error(env, NULL, "napi_create_buffer_copy failed");
    return NULL;
  }
  return out;
}

static napi_value verify_mic(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_t *c = get_context(env, argv[0]);
  if (!c) return NULL;
  void *data, *micp;
  size_t len, miclen;
  if (get_buffer(env, argv[1], &data, &len) <= 0 || get_buffer(env, argv[2], &micp, &miclen) <= 0) {
    napi_throw_type_error(env, NULL, "verifyMic(handle, data: Buffer, mic: Buffer)");
    return NULL;
  }
  napi_value out;
  if (!c->complete || c->busy) {
    napi_get_boolean(env, false, &out);
    return out;
  }
  OM_uint32 maj, min;
  gss_buffer_desc msg = {len, data}, mic = {miclen, micp};
  maj = gss_verify_mic(&min, c->ctx, &msg, &mic, NULL);
  napi_get_boolean(env, !GSS_ERROR(maj), &out);
  return out;
}

static napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_t *c = get_context(env, argv[0]);
  if (!c) return NULL;
  if (!c->busy) context_free(c); /* a running step keeps its context; the finalizer frees it later */
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"createContext", NULL, create_context, NULL, NULL, NULL, napi_enumerable, NULL},
      {"step", NULL, step, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getMic", NULL, get_mic, NULL, NULL, NULL, napi_enumerable, NULL},
      {"verifyMic", NULL, verify_mic, NULL, NULL, NULL, napi_enumerable, NULL},
      {"release", NULL, release, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
