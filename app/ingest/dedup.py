"""Near-duplicate stories: MinHash signatures over word 3-grams, and LSH band keys.

The same wire story republished by several outlets with small edits shares most of its word
3-grams, so the Jaccard similarity of the 3-gram sets is high (≥ 0.7 for the edited copies in the
ANT corpus; different stories on the same event — which share background paragraphs — sit at
0.3–0.6). datasketch computes the MinHash (128 permutations, "affine32" scheme: 512 bytes per
report); the LSH banding (14 bands of 9 rows, datasketch's optimum for threshold 0.7) is done
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
_SCHEME = "affine32"


@lru_cache(maxsize=1)
def _minhash_class():
    """datasketch, imported on first use: it pulls in scipy (0.7 s), which only ingest needs."""
    from datasketch import MinHash

    return MinHash, MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME).permutations


def shingles(text: str) -> set[bytes]:
    words = WORD_RE.findall(fold(text))
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> np.ndarray | None:
    """The MinHash of the text's word 3-grams (uint32 × 128), or None when the text is too short."""
    sh = shingles(text)
    if len(sh) < MIN_SHINGLES:
        return None
    minhash, perms = _minhash_class()
    m = minhash(num_perm=NUM_PERM, permutations=perms, hashfunc=zlib.crc32, scheme=_SCHEME)
    m.update_batch(list(sh))
    return np.asarray(m.hashvalues, dtype=np.uint32)


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
