# http_raw.py HOST PORT MODE PAYLOAD: one TCP connection for what curl and wrk will not send.
# PAYLOAD is a Python expression. MODE read: prints what comes back, then "=== after head: N
# bytes" (what followed the first blank line), then "=== closed", "=== reset" or "=== open"
# (kept open for 3 s without more). MODE stall: sends, touches the file $STALL_MARK, then holds
# the connection for 20 s.
import os, socket, sys, time
host, port, mode, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3], eval(sys.argv[4])
s = socket.create_connection((host, port), timeout=10)
s.sendall(payload.encode("latin-1"))
if mode == "stall":
    open(os.environ["STALL_MARK"], "w").close()
    time.sleep(20)
    sys.exit(0)
s.settimeout(3)
data, end = b"", "=== open"
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            end = "=== closed"
            break
        data += chunk
except socket.timeout:
    pass
except ConnectionResetError:
    end = "=== reset"
head = data.find(b"\r\n\r\n")
after = len(data) - head - 4 if head >= 0 else -1
sys.stdout.write(data.decode("latin-1") + "\n=== after head: %d bytes\n%s\n" % (after, end))
