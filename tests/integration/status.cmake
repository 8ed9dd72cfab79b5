# The status page in Debian's headless chromium over the demo lab, and
# the Grafana dashboards against a real Prometheus scraping the lab.
vx_integration_test(status_page TIMEOUT 240)
vx_integration_test(dashboards TIMEOUT 400)
