# Syslog: framing, headers and every vendor's syslog parser on arbitrary
# bytes (corpus/syslog/ is seeded from tests/fixtures/syslog).
vx_fuzz_target(syslog LIBS vx_collectors)
