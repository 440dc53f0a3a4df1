#!/usr/bin/env python3
"""state_loop.py HOST PORT COUNT [PID]: COUNT sequential `Connection: close` GETs of httpd's
/state, each on a new connection. Prints one summary line:

  requests=N ok=N seen_zero=N generations_increasing=yes|no distinct_random=N rss_kib=A,B

ok counts 200 answers whose body parsed; seen_zero how many saw seen=0 (a pristine VM);
rss_kib is PID's VmRSS after the first tenth of the requests and after the last (when PID is
given). Bounded: every connection has a 10 s timeout and the loop stops at the first failure.
"""
import socket
import sys


def get_state(host, port):
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(b"GET /state HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return None
    fields = dict(kv.split("=") for kv in body.decode().split())
    return int(fields["generation"]), int(fields["seen"]), int(fields["random"])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    pid = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    ok = seen_zero = 0
    increasing = True
    last_gen = -1
    randoms = set()
    rss = []
    for i in range(count):
        try:
            answer = get_state(host, port)
        except (OSError, ValueError, KeyError) as e:
            print(f"request {i}: {e}", file=sys.stderr)
            break
        if answer is None:
            print(f"request {i}: not a 200 answer", file=sys.stderr)
            break
        gen, seen, rand = answer
        ok += 1
        seen_zero += seen == 0
        increasing &= gen > last_gen
        last_gen = gen
        randoms.add(rand)
        if pid and (i + 1 == max(1, count // 10) or i + 1 == count):
            rss.append(rss_kib(pid))
    print(f"requests={count} ok={ok} seen_zero={seen_zero} "
          f"generations_increasing={'yes' if increasing else 'no'} "
          f"distinct_random={len(randoms)} rss_kib={','.join(map(str, rss))}")


if __name__ == "__main__":
    main()
