#!/usr/bin/env python3
"""http_many.py HOST PORT: 1000 sequential connections to httpd, then 200 open at once, one
request each (GET /bytes/4); prints how many of each were answered right."""
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
def get(s):
    s.sendall(b"GET /bytes/4 HTTP/1.1\r\nHost: t\r\n\r\n")
    data = b""
    while not data.endswith(b"\r\n\r\nabcd"):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"abcd")
ok = 0
for _ in range(1000):
    with socket.create_connection((host, port), timeout=10) as s:
        ok += get(s)
print("sequential", ok)
socks = [socket.create_connection((host, port), timeout=10) for _ in range(200)]
print("concurrent", sum(get(s) for s in reversed(socks)))
