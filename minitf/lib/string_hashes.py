"""TensorFlow's other two string hashes, written out on 64-bit unsigned arithmetic: `hash64`,
its own Hash64 (MurmurHash64A with seed 0xDECAFCAFFE; tf.string_to_hash_bucket), and
`siphash24`, SipHash-2-4 under a 128-bit key (tf.string_to_hash_bucket_strong). FarmHash's
Fingerprint64 (the fast buckets, tf.fingerprint) is in farmhash.py."""

import struct

_MASK = (1 << 64) - 1
_MURMUR_MUL = 0xc6a4a7935bd1e995


def hash64(s, seed=0xDECAFCAFFE):
    """TF's Hash64 of the bytes `s`."""
    m = _MURMUR_MUL
    n = len(s)
    h = (seed ^ (n * m)) & _MASK
    whole = n - n % 8
    for (k,) in struct.iter_unpack("<Q", s[:whole]):
        k = (k * m) & _MASK
        k ^= k >> 47
        h ^= (k * m) & _MASK
        h = (h * m) & _MASK
    tail = s[whole:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * m) & _MASK
    h ^= h >> 47
    h = (h * m) & _MASK
    return h ^ (h >> 47)


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & _MASK


def siphash24(k0, k1, s):
    """SipHash-2-4 of the bytes `s` under the key (k0, k1), two 64-bit words."""
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]

    def rounds(n):
        v0, v1, v2, v3 = v
        for _ in range(n):
            v0 = (v0 + v1) & _MASK
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _MASK
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _MASK
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _MASK
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)
        v[:] = v0, v1, v2, v3

    n = len(s)
    whole = n - n % 8
    words = [w for (w,) in struct.iter_unpack("<Q", s[:whole])]
    words.append(((n & 0xff) << 56) | int.from_bytes(s[whole:], "little"))
    for w in words:
        v[3] ^= w
        rounds(2)
        v[0] ^= w
    v[2] ^= 0xff
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]
