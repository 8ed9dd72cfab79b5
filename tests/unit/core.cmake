# Core (numbers, memory, model, renderer, errors, logging), the YAML
# configuration layer and loader, HTTP content negotiation and the daemon's
# command-line flags.
vx_unit_test(core_numparse LIBS vx_core)
vx_unit_test(core_arena LIBS vx_core)
vx_unit_test(core_grow LIBS vx_core)
vx_unit_test(core_strbuf LIBS vx_core)
vx_unit_test(core_strmap LIBS vx_core)
vx_unit_test(core_err LIBS vx_core)
vx_unit_test(core_log LIBS vx_core)
vx_unit_test(core_model LIBS vx_core)
vx_unit_test(core_history LIBS vx_core)
vx_unit_test(core_scrub LIBS vx_core)
vx_unit_test(core_render LIBS vx_core)
vx_unit_test(core_zpool LIBS vx_core)
vx_unit_test(core_malloc_tune LIBS vx_core)
vx_unit_test(core_memtrim LIBS vx_core)
vx_unit_test(core_cpu_gate LIBS vx_core)
# promtool check metrics on a whole exposition; exits 77 (skipped) when
# promtool is missing, unless CI=true.
vx_unit_test(core_render_promtool LIBS vx_core)
# render.c compiled into the test itself, to reach its static helpers
# (HELP escaping differs between the formats, and no shipped HELP text
# has a quote or a backslash to show it).
vx_unit_test(core_render_static LIBS vx_core)
vx_unit_test(config_cfg LIBS vx_config)
vx_unit_test(config LIBS vx_exporter)
vx_unit_test(config_fleet LIBS vx_exporter)
vx_unit_test(config_cli LIBS vx_exporter)
vx_unit_test(http_negotiate LIBS vx_exporter)
vx_unit_test(correlate LIBS vx_exporter)
vx_unit_test(backoff LIBS vx_exporter)
vx_unit_test(device LIBS vx_exporter)
vx_unit_test(locals_index LIBS vx_exporter)
