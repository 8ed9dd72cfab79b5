# The SSH transport's pure helpers (prompt, pager, output cleanup).
vx_unit_test(ssh_cli LIBS vx_transport_ssh)
