# --web.config.file against the real daemon (TLS, basic auth, client
# certificates); needs the openssl command line tool.
vx_integration_test(webconfig)
