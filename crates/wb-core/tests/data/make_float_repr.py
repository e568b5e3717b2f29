"""Writes float_repr.txt: random doubles (little-endian hex of their bytes) and CPython's repr."""
import random, struct
random.seed(7)
vals = [1042995743071348.25]
for _ in range(20000):
    vals.append(struct.unpack("d", struct.pack("Q", random.getrandbits(64)))[0])
vals = [v for v in vals if v == v and abs(v) != float("inf")]
with open("float_repr.txt", "w") as f:
    f.write("\n".join(struct.pack("d", v).hex() + " " + repr(v) for v in vals))
