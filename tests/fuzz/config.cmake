# The configuration layer and the vpn_exporter.yml loader: YAML tree,
# table-driven walker, and the full loader with collector options and
# secret files (corpus/config/ is seeded from tests/fixtures/config).
vx_fuzz_target(config LIBS vx_exporter)
