# The SSH transport's pure helpers (prompt, pager, output cleanup).
vx_unit_test(ssh_cli LIBS vx_transport_ssh vx_asa_parse vx_srx_parse)
# The NETCONF client's hello and framings.
vx_unit_test(netconf LIBS vx_transport_ssh)
