#!/usr/bin/env python3
"""clone_crash.py HOST PORT CLONES: a crashing clone does not drop the others' connections.

Opens 16 keep-alive connections to httpd running under `unikvm --clones CLONES` and works out
which clone serves each (unikvm steers a TCP connection by the same hash as host/clones.c
clones_route). Then a new connection asks for /crash, which makes its clone's guest fault;
unikvm replaces that clone from the snapshot. Every kept connection asks again: those on the
other clones must be answered, those on the crashed clone must not. Prints one line:

  crashed=K kept_other=N answered_other=N kept_crashed=M answered_crashed=M new_after=20/20
"""
import http.client
import ipaddress
import socket
import sys
import time

M64 = (1 << 64) - 1


def mix(x):
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & M64
    x ^= x >> 33
    return x & 0xFFFFFFFF


def clone_of(client_ip, client_port, guest_port, clones):
    ip = int(ipaddress.IPv4Address(client_ip))
    key = (ip << 32) | (client_port << 16) | guest_port
    return mix(key ^ 6) % clones


def ask(conn, path):
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status == 200 and r.read().startswith(b"generation=")
    except (OSError, http.client.HTTPException):
        return False


def main():
    host, port, clones = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    kept = []
    for _ in range(16):
        c = http.client.HTTPConnection(host, port, timeout=5)
        c.connect()
        ip, lport = c.sock.getsockname()
        if not ask(c, "/state"):
            print("a keep-alive connection was not answered before the crash")
            return
        kept.append((c, clone_of(ip, lport, port, clones)))
    crashed = None
    for _ in range(64):  # bounded: find a connection that lands on a clone some kept one uses
        s = socket.create_connection((host, port), timeout=5)
        ip, lport = s.getsockname()
        k = clone_of(ip, lport, port, clones)
        if any(k == kk for _, kk in kept) and any(k != kk for _, kk in kept):
            crashed = k
            s.sendall(b"GET /crash HTTP/1.1\r\nHost: t\r\n\r\n")
            try:
                s.recv(100)
            except OSError:
                pass
            s.close()
            break
        s.close()
    if crashed is None:
        print("no crash connection found")
        return
    time.sleep(1)  # the clone faults and is replaced
    other = [c for c, k in kept if k != crashed]
    on_crashed = [c for c, k in kept if k == crashed]
    answered_other = sum(ask(c, "/state") for c in other)
    answered_crashed = sum(ask(c, "/state") for c in on_crashed)
    new_ok = 0
    for _ in range(20):
        c = http.client.HTTPConnection(host, port, timeout=5)
        new_ok += ask(c, "/state")
        c.close()
    print(f"crashed={crashed} kept_other={len(other)} answered_other={answered_other} "
          f"kept_crashed={len(on_crashed)} answered_crashed={answered_crashed} new_after={new_ok}/20")


if __name__ == "__main__":
    main()
