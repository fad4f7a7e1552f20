"""Near-duplicate stories: MinHash signatures over word 3-grams, and LSH band keys.

The same wire story republished by several outlets with small edits shares most of its word
3-grams, so the Jaccard similarity of the 3-gram sets is high (≥ 0.7 for the edited copies in the
ANT corpus; different stories on the same event — which share background paragraphs — sit at
0.3–0.6). The MinHash is datasketch's (128 permutations, "affine32" scheme, crc32 of each 3-gram:
512 bytes per report), computed here with the same arithmetic on all of a text's 3-grams at once
(datasketch's MinHash object and its per-call checks cost more than the hashing; a test pins the
values to datasketch's, since signatures are stored and compared with new ones); the LSH banding (14 bands of 9 rows, datasketch's optimum for threshold 0.7) is done
here so that the band keys can live in the database: grouping then works across ingest runs and
processes, and a lookup is one indexed query per batch instead of a comparison with every report.

Words are matched in their folded form (`app.arabic.normalise.fold`), so spelling variants of the
alef and ta marbuta do not hide a copy.
"""
from __future__ import annotations

import hashlib
import zlib
from functools import lru_cache

import numpy as np

from app.arabic.normalise import fold
from app.arabic.tokenize import WORD_RE

NUM_PERM = 128
THRESHOLD = 0.7
#: LSH bands × rows: datasketch's MinHashLSH(threshold=0.7, num_perm=128) optimum (a test checks it).
BANDS, ROWS = 14, 9
SHINGLE_WORDS = 3
#: Fewer distinct 3-grams than this (a report of a dozen words) is too little to call a copy.
MIN_SHINGLES = 8
SEED = 1
#: MurmurHash3's 32-bit finalizer (shift, multiplier, shift, multiplier, shift): datasketch mixes
#: each input hash with it before the affine permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
#: 3-grams hashed at a time: bounds the (3-grams × permutations) matrix of a very long text.
_CHUNK = 4096


@lru_cache(maxsize=1)
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for seed 1 (`MinHash._init_permutations`): odd
    multipliers a and offsets b, uint32, drawn from numpy's RandomState in that order."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def shingles(text: str) -> set[str]:
    """The text's distinct word 3-grams (folded words joined by one space)."""
    words = WORD_RE.findall(fold(text))
    return set(map(" ".join, zip(words, words[1:], words[2:])))


def signature(text: str) -> np.ndarray | None:
    """The MinHash of the text's word 3-grams (uint32 × 128), or None when the text is too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, grams)), dtype=np.uint32, count=len(grams))
    s1, m1, s2, m2, s3 = _FMIX32
    hashes ^= hashes >> s1
    hashes *= m1
    hashes ^= hashes >> s2
    hashes *= m2
    hashes ^= hashes >> s3
    a, b = permutations()
    out = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for k in range(0, len(hashes), _CHUNK):  # uint32 arithmetic wraps: that is the permutation
        np.minimum(out, (hashes[k:k + _CHUNK, None] * a + b).min(axis=0), out=out)
    return out


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def band_keys(sig: np.ndarray) -> list[int]:
    """One 63-bit key per LSH band (fits an SQL BIGINT); equal keys ⇒ a candidate pair."""
    data = sig.astype("<u4")
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(data[band * ROWS:(band + 1) * ROWS].tobytes(), digest_size=8,
                                 person=b"sijill-band" + bytes([band])).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts' 3-gram sets."""
    return float(np.count_nonzero(a == b)) / len(a)
