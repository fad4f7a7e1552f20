"""Whoosh segments read as numpy arrays: posting lists, field lengths, numeric columns, places.

Why: Whoosh evaluates queries one posting at a time in Python (~1 µs per posting per matcher),
counts results by running the query a second time (`len(results)`) and facets by a third pass.
Reading a posting list into two arrays (docnums, weights) costs one `zlib.decompress` and one
`pickle.loads` per block of 128 postings; everything after — BM25, unions, intersections, filters,
facet counts, the timeline, top-k — is a handful of vectorised operations over those arrays.

This is the only module that touches Whoosh internals (`SegmentReader._terms`, `_perdoc`, the W3
block layout); whoosh3 is pinned exactly, and tests/search/test_engine.py compares every result
with Whoosh's own matchers.
"""
from __future__ import annotations

import io
import pickle
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length

#: Whoosh stores field lengths as one byte (a lossy log scale); this table decodes them.
LENGTH_TABLE = np.array([byte_to_length(i) if i else 0 for i in range(256)], dtype=np.float32)

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_W = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class Postings:
    """Segment-local docnums (sorted, int64) and weights (term frequency × field boost)."""

    ids: np.ndarray
    weights: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes


EMPTY = Postings(_EMPTY_IDS, _EMPTY_W)


class PostingsCache:
    """LRU of decoded posting lists by (segment id, field, term), bounded in bytes.

    Posting lists of a segment never change (deletions are applied at query time), so entries stay
    valid across index generations for as long as the segment exists.
    """

    def __init__(self, max_bytes: int = 48 * 2**20):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, Postings] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Postings | None:
        with self._lock:
            p = self._items.get(key)
            if p is not None:
                self._items.move_to_end(key)
            return p

    def put(self, key: tuple, p: Postings) -> None:
        if p.nbytes > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = p
            self._bytes += p.nbytes
            while self._bytes > self.max_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self._bytes -= old.nbytes


def _block_arrays(data: tuple, count: int) -> tuple[np.ndarray, np.ndarray]:
    ids, weights, _values = data
    ids = np.cumsum(np.asarray(ids, dtype=np.int64))  # W3 stores docnum deltas (first from 0)
    if weights is None:
        w = np.ones(count, dtype=np.float32)
    elif isinstance(weights, (int, float)):
        w = np.full(count, weights, dtype=np.float32)
    else:
        w = np.asarray(weights, dtype=np.float32)
    return ids, w


def term_blocks(segreader, fieldname: str, btext: bytes):
    """A term's postings in one segment, as Whoosh wrote them: `("inlined", (ids, weights, values))`
    for a posting list kept in the term table, else `("blocks", [(count, data), ...])` with each
    W3 block unpickled (`data` = (ids, weights, values, ...)); None for an absent term.
    Shared by the docnum reader here and the position reader (positions.py)."""
    terms = segreader._terms
    try:
        ti = terms.term_info(fieldname, btext)
    except (TermNotFound, KeyError):
        return None
    if ti.is_inlined():
        return "inlined", ti.inlined_postings()
    offset, length = ti.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes forgets to unpack the length
        length = length[0]
    buf = terms._postfile.get(offset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"bad postings header for {fieldname}:{btext!r}")
    f = io.BytesIO(buf)
    f.seek(4)
    blocks = []
    while True:
        blen = unpack_int(f.read(4))[0]
        start = f.tell()
        count, _maxid, _maxw, comp, _mn, _mx = pickle.load(f)
        raw = buf[f.tell():start + abs(blen)]
        if comp:
            raw = zlib.decompress(raw)
        blocks.append((count, pickle.loads(raw)))
        f.seek(start + abs(blen))
        if blen < 0:  # the last block
            break
    return "blocks", blocks


def read_postings(segreader, fieldname: str, btext: bytes) -> Postings:
    """All postings of one term in one segment (deleted documents included)."""
    found = term_blocks(segreader, fieldname, btext)
    if found is None:
        return EMPTY
    kind, data = found
    if kind == "inlined":
        ids, weights, _ = data
        return Postings(np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32))
    pairs = [_block_arrays(block, count) for count, block in data]
    ids = np.concatenate([i for i, _ in pairs]) if len(pairs) > 1 else pairs[0][0]
    w = np.concatenate([w for _, w in pairs]) if len(pairs) > 1 else pairs[0][1]
    return Postings(ids, w)


def field_lengths(segreader, fieldname: str) -> np.ndarray:
    """Decoded length of `fieldname` per segment docnum (float32; 0 where absent)."""
    n = segreader.doc_count_all()
    raw = _column_bytes(segreader, f"_{fieldname}_len", 1)
    out = np.zeros(n, dtype=np.float32)
    if raw is not None:
        codes = np.frombuffer(raw, dtype=np.uint8)[:n]
        out[:len(codes)] = LENGTH_TABLE[codes]
    return out


def numeric_column(segreader, fieldname: str, typecode: str, default: int = 0) -> np.ndarray:
    """A NumericColumn (fixed-width, big-endian) as an array of segment length."""
    import struct
    size = struct.calcsize(typecode)
    n = segreader.doc_count_all()
    raw = _column_bytes(segreader, fieldname, size)
    out = np.full(n, default, dtype=np.int64)
    if raw is not None:
        vals = np.frombuffer(raw, dtype=np.dtype(">" + typecode))[:n]
        out[:len(vals)] = vals
    return out


def _column_bytes(segreader, colname: str, itemsize: int) -> bytes | None:
    perdoc = segreader._perdoc
    if not perdoc.has_column(colname):
        return None
    colfile, offset, length = perdoc._get_column_file(colname)
    try:
        usable = length - length % itemsize
        return colfile.get(offset, usable)
    finally:
        colfile.close()


def keyword_postings(segreader, fieldname: str) -> dict[str, np.ndarray]:
    """term → segment docnums for every term of a (small-vocabulary) keyword field."""
    out: dict[str, np.ndarray] = {}
    if fieldname not in segreader.schema:
        return out
    for btext in list(segreader.lexicon(fieldname)):
        term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        out[term] = read_postings(segreader, fieldname, btext if isinstance(btext, bytes) else btext.encode()).ids
    return out


def live_mask(segreader) -> np.ndarray | None:
    """False for deleted docnums of the segment; None when nothing is deleted."""
    if not segreader.has_deletions():
        return None
    mask = np.ones(segreader.doc_count_all(), dtype=bool)
    deleted = np.fromiter(segreader.deleted_docs_set, dtype=np.int64)
    mask[deleted] = False
    return mask


def varbytes_column(segreader, fieldname: str) -> tuple[np.ndarray, bytes] | None:
    """A VarBytesColumn as (value length per segment docnum, all values concatenated), read in
    one piece — not one seek and read per document as the column reader's iterator does."""
    if fieldname not in segreader.schema or not segreader.has_column(fieldname):
        return None
    creader = segreader.column_reader(fieldname, translate=False)
    lengths = getattr(creader, "_lengths", None)
    if lengths is None or not hasattr(creader, "_dbfile"):  # not the W3 VarBytes reader: slow path
        values = list(creader)
        return np.array([len(v) for v in values], dtype=np.int64), b"".join(values)
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    data = creader._dbfile.get(creader._basepos, total) if total else b""
    return lengths, data
