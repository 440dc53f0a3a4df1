#!/usr/bin/env python3
"""net_peer.py: the host side of tests/integration/net.sh: clients and servers that talk to the
guest's nettest.elf and print one line saying what they saw. Every wait is bounded."""
import select
import socket
import sys
import time

TIMEOUT = 20.0


def connect_retry(host, port, deadline):
    """Connects, retrying while the guest is not listening yet (bounded by deadline)."""
    while True:
        try:
            return socket.create_connection((host, port), timeout=TIMEOUT)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def cmd_echo(host, port, message, repeat):
    """REPEAT request/response round trips on one connection; each reply must be the request."""
    s = connect_retry(host, int(port), time.monotonic() + TIMEOUT)
    for i in range(int(repeat)):
        want = ("%s %d\n" % (message, i)).encode()
        s.sendall(want)
        got = recv_exactly(s, len(want))
        if got != want:
            print("echo mismatch at %d: sent %r got %r" % (i, want, got))
            return 1
    s.close()
    print("echo ok %s" % repeat)
    return 0


def cmd_retry_echo(host, port, message, seconds):
    """Like one echo, but reconnects until the echo comes back (user-mode forwarding accepts
    before the guest listens, then drops the connection)."""
    deadline = time.monotonic() + float(seconds)
    want = message.encode()
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        try:
            s = socket.create_connection((host, int(port)), timeout=2)
            s.sendall(want)
            got = recv_exactly(s, len(want))
            s.close()
            if got == want:
                print("echo ok after %d attempts" % attempts)
                return 0
        except OSError:
            pass
        time.sleep(0.1)
    print("no echo after %d attempts" % attempts)
    return 1


def cmd_many(host, port, count):
    """COUNT connections open at once, each sending its own 4 KiB; every echo must match."""
    count = int(count)
    deadline = time.monotonic() + TIMEOUT
    conns = [connect_retry(host, int(port), deadline) for _ in range(count)]
    payloads = {}
    for i, s in enumerate(conns):
        payloads[s] = (("conn %04d " % i) * 410).encode()[:4096]
        s.sendall(payloads[s])
    got = {s: b"" for s in conns}
    pending = set(conns)
    while pending and time.monotonic() < deadline:
        ready, _, _ = select.select(list(pending), [], [], 1.0)
        for s in ready:
            chunk = s.recv(65536)
            got[s] += chunk
            if not chunk or len(got[s]) >= len(payloads[s]):
                pending.discard(s)
    good = sum(1 for s in conns if got[s] == payloads[s])
    for s in conns:
        s.close()
    print("many ok %d of %d" % (good, count))
    return 0 if good == count else 1


def cmd_serve(port):
    """Accepts one connection, reads to end of stream, answers with what it got, closes."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", int(port)))
    srv.listen(1)
    srv.settimeout(TIMEOUT)
    print("ready", flush=True)
    c, addr = srv.accept()
    c.settimeout(TIMEOUT)
    data = b""
    while True:
        chunk = c.recv(4096)
        if not chunk:
            break
        data += chunk
    c.sendall(b"host got " + str(len(data)).encode() + b" bytes: " + data)
    c.close()
    print("served %s: %r" % (addr[0], data))
    return 0


def cmd_udp(host, port, count):
    """COUNT datagrams of growing size; each reply must equal its request."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    good = 0
    for i in range(int(count)):
        want = (b"datagram %d " % i) * (1 + i % 100)
        for _ in range(5):  # UDP may be lost before the guest's ARP entry exists
            s.sendto(want, (host, int(port)))
            try:
                got, _ = s.recvfrom(65536)
            except socket.timeout:
                continue
            good += got == want
            break
    print("udp ok %d of %s" % (good, count))
    return 0 if good == int(count) else 1


def cmd_pingpong(host, port):
    s = connect_retry(host, int(port), time.monotonic() + TIMEOUT)
    s.sendall(b"ping")
    got = recv_exactly(s, 4)
    s.close()
    print("pingpong got %r" % got)
    return 0 if got == b"pong" else 1


def cmd_nonblock(host, port, guest_out):
    """Connects, sends hello once the guest says it waits for data, then counts what it sends."""
    s = connect_retry(host, int(port), time.monotonic() + TIMEOUT)
    deadline = time.monotonic() + TIMEOUT
    while b"waiting for data" not in open(guest_out, "rb").read():
        if time.monotonic() > deadline:
            print("guest never waited for data")
            return 1
        time.sleep(0.02)
    s.sendall(b"hello")
    total = 0
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        total += len(chunk)
    print("nonblock received %d bytes" % total)
    return 0


def cmd_dns(port, name, address, count):
    """A DNS server for one A record (NXDOMAIN for other names): stops once it has been asked
    for COUNT different names (a client may repeat a query), or after the usual timeout."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("0.0.0.0", int(port)))
    srv.settimeout(TIMEOUT)
    print("ready", flush=True)
    asked = set()
    while len(asked) < int(count):
        try:
            query, peer = srv.recvfrom(512)
        except socket.timeout:
            break
        labels, i = [], 12
        while i < len(query) and query[i] != 0:
            labels.append(query[i + 1:i + 1 + query[i]].decode("ascii", "replace"))
            i += 1 + query[i]
        question = query[12:i + 5]
        found = ".".join(labels).lower() == name.lower()
        flags = b"\x81\x80" if found else b"\x81\x83"
        reply = query[:2] + flags + b"\x00\x01" + (b"\x00\x01" if found else b"\x00\x00")
        reply += b"\x00\x00\x00\x00" + question
        if found:
            reply += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04"
            reply += socket.inet_aton(address)
        srv.sendto(reply, peer)
        asked.add(".".join(labels).lower())
        print("answered %s: %s" % (".".join(labels), "found" if found else "nxdomain"), flush=True)
    return 0


COMMANDS = {
    "echo": cmd_echo,
    "retry-echo": cmd_retry_echo,
    "many": cmd_many,
    "serve": cmd_serve,
    "udp": cmd_udp,
    "pingpong": cmd_pingpong,
    "nonblock": cmd_nonblock,
    "dns": cmd_dns,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: net_peer.py %s ARGS..." % "|".join(COMMANDS))
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
