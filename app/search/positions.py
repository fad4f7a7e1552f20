"""Term positions read from Whoosh segments as numpy arrays: phrases and proximity without spans.

Why: Whoosh's span matchers decode positions one document at a time in Python (a phrase took
185 ms at 100k reports). The positions of a term are already in its posting blocks (one
`VarintPositions` byte string per posting, unpickled with the docnums), so one read gives every
posting's raw bytes; they are kept concatenated (`data` + `starts`), and the positions of any
subset of postings are decoded at once with vectorised varint arithmetic (`positions_of`).

Like arrays.py, this reads Whoosh internals (the W3 block layout); tests/search/test_engine.py
compares phrase answers with Whoosh's own matchers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import _block_arrays, term_blocks

_EMPTY_I = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class PositionPostings:
    """Segment-local docnums (sorted) and, per posting i, its encoded positions
    `data[starts[i]:starts[i + 1]]` (varint deltas, `codec.VarintPositions`)."""

    ids: np.ndarray
    starts: np.ndarray
    data: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.starts.nbytes + self.data.nbytes


EMPTY = PositionPostings(_EMPTY_I, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8))

def _pack(ids: np.ndarray, values) -> PositionPostings:
    vals = [v if isinstance(v, bytes) else b"" for v in values]
    lens = np.fromiter(map(len, vals), dtype=np.int64, count=len(vals))
    starts = np.zeros(len(vals) + 1, dtype=np.int64)
    np.cumsum(lens, out=starts[1:])
    return PositionPostings(ids, starts, np.frombuffer(b"".join(vals), dtype=np.uint8))


def read_positions(segreader, fieldname: str, btext: bytes) -> PositionPostings:
    """Every posting of one term in one segment with its encoded positions."""
    found = term_blocks(segreader, fieldname, btext)
    if found is None:
        return EMPTY
    kind, data = found
    if kind == "inlined":
        ids, _weights, values = data
        return _pack(np.asarray(ids, dtype=np.int64), values)
    all_ids, all_vals = [], []
    for count, block in data:
        ids, _w = _block_arrays(block, count)
        all_ids.append(ids)
        vals = block[2]
        all_vals.extend(vals if vals is not None else (b"",) * count)
    return _pack(np.concatenate(all_ids) if len(all_ids) > 1 else all_ids[0], all_vals)


def decode_varints(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, index of each value's first byte) of a run of LEB128 varints."""
    b = b.astype(np.int64)
    end = b < 128
    if end.all():  # the common case: every number below 128
        return b, np.arange(len(b), dtype=np.int64)
    first = np.flatnonzero(np.concatenate(([True], end[:-1])))
    group = np.cumsum(np.concatenate(([0], end[:-1].astype(np.int64))))
    shift = 7 * (np.arange(len(b), dtype=np.int64) - first[group])
    return np.add.reduceat((b & 127) << shift, first), first


def positions_of(p: PositionPostings, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) of every position of the postings at indexes `sel` of `p`, where owner
    is the index into `sel`; grouped by owner, positions ascending within each."""
    if not len(sel):
        return _EMPTY_I, _EMPTY_I
    st = p.starts[sel]
    lens = p.starts[sel + 1] - st
    if not lens.all():  # a posting without positions (never in a positional field): skip it
        nz = np.flatnonzero(lens)
        owner, pos = positions_of(p, sel[nz])
        return nz[owner], pos
    at = np.cumsum(lens) - lens  # where each posting's bytes start in the gathered run
    total = int(lens.sum())
    if not total:
        return _EMPTY_I, _EMPTY_I
    gather = np.arange(total, dtype=np.int64) + np.repeat(st - at, lens)
    values, first_byte = decode_varints(p.data[gather])
    owner = np.repeat(np.arange(len(sel), dtype=np.int64), lens)[first_byte]
    first = np.flatnonzero(first_byte == at[owner])  # each posting's first delta (from 0)
    cs = np.cumsum(values)
    base = cs[first] - values[first]  # running sum before each posting
    return owner, cs - base[owner]
