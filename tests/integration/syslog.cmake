# The syslog listener against the real exporter: util-linux logger over
# UDP and TCP, attribution, unknown senders, limits, reloads.
vx_integration_test(syslog TIMEOUT 120)
