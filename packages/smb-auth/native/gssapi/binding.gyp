{
  "targets": [
    {
      "target_name": "smb_gssapi",
      "sources": ["src/gssapi_addon.c"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lgssapi_krb5"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
