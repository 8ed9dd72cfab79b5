# --web.config.file: loading, errors with file:line:col, bcrypt, and
# vx_webcfg_check() on a real libmicrohttpd daemon.
vx_unit_test(webcfg LIBS vx_webcfg)
