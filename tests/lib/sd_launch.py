#!/usr/bin/env python3
"""Starts a program the way systemd socket activation does (sd_listen_fds(3)):
binds and listens on each ADDRESS, passes the sockets as descriptors 3, 4,
..., sets LISTEN_FDS and LISTEN_PID (this process, which the program
replaces with exec, keeping the process id), then execs the program.

  sd_launch.py 127.0.0.1:PORT [[::1]:PORT ...] -- PROGRAM ARGS...
"""

import os
import socket
import sys


def listen(address):
    host, port = address.rsplit(":", 1)
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(128)
    return s


def main():
    if "--" not in sys.argv:
        sys.exit(__doc__)
    split = sys.argv.index("--")
    addresses, program = sys.argv[1:split], sys.argv[split + 1:]
    socks = [listen(a) for a in addresses]
    # Out of the way first, so that no socket lands on another's number.
    high = [os.dup(s.fileno()) for s in socks]
    moved = [os.dup2(fd, 100 + i) for i, fd in enumerate(high)]
    for i, fd in enumerate(moved):
        os.dup2(fd, 3 + i)
        os.set_inheritable(3 + i, True)
    for fd in moved:
        os.close(fd)
    os.environ["LISTEN_FDS"] = str(len(socks))
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.execv(program[0], program)


if __name__ == "__main__":
    main()
