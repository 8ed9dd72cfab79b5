#!/usr/bin/env bash
# Copies the dashboard types of @grafana/schema VERSION into
# tests/fixtures/grafana_schema/VERSION (see SOURCES.md there).
#   scripts/dev/update_grafana_schema.sh 11.6.16
set -euo pipefail
version=${1:?usage: $0 VERSION}
cd "$(dirname "$0")/../.."
dest=tests/fixtures/grafana_schema/$version
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@grafana/schema@$version" >/dev/null &&
	tar xzf grafana-schema-*.tgz)
src=$tmp/package/dist/esm
mkdir -p "$dest"
cp "$src/raw/dashboard/x/dashboard_types.gen.d.ts" "$src/common/common.gen.d.ts" "$dest/"
for kind in timeseries stat table statetimeline bargauge; do
	cp "$src"/raw/composable/$kind/panelcfg/x/*PanelCfg_types.gen.d.ts "$dest/"
done
if [ -d "$src/raw/composable/prometheus/dataquery/x" ]; then
	cp "$src"/raw/composable/prometheus/dataquery/x/*_types.gen.d.ts "$dest/"
fi
cp "$tmp/package/LICENSE_APACHE2" tests/fixtures/grafana_schema/
echo "$dest: $(ls "$dest" | wc -l) files"
