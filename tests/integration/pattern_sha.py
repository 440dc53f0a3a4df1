# pattern_sha.py N: sha256 of httpd's /bytes/N body (byte i is 'a' + i % 26).
import hashlib, sys

n = int(sys.argv[1])
unit = bytes(range(97, 123)) * 40330
h = hashlib.sha256()
while n > 0:
    k = min(n, len(unit))
    h.update(unit[:k])
    n -= k
print(h.hexdigest())
