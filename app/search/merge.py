"""Merging index segments block by block, and the merge policy that decides when.

Why: every ingest batch commits a segment, and each segment carries its own term dictionary (at
1,000 reports a segment, the dictionaries were 2/3 of the index: 4.3× the raw text for 10 segments,
1.9× once merged). Whoosh merges by re-adding every posting of every segment to a sorting pool —
≈ 3 ms per report on this machine, 5 minutes for 100k reports. Here postings are copied a block
of up to 128 at a time (docnums shifted, deleted documents dropped) and per-document data a
document at a time, roughly ten times faster, so segments can be kept few.

`TieredMerge` (the commit policy): when `FACTOR` segments of the same size tier have accumulated at
the tail of the index, they become one; merges cascade. Each report is rewritten about
log_FACTOR(archive size / batch size) times, and an index never has more than about
FACTOR × tiers segments. `merge_all` (optimize) makes one segment.
"""
from __future__ import annotations

import heapq
import io
import math
import pickle
import zlib
from array import array

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_ushort, unpack_int
from whoosh.util.numeric import byte_to_length

from .arrays import field_lengths, live_mask
from .codec import (_COMPACT_INLINE, CompactCodec, CompactFieldWriter, CompactTermInfo, ListValues, _pickle_small,
                    _pickle_triple, inline_row, term_postings)

#: Segments per tier before they are merged into one segment of the next tier.
FACTOR = 8
BLOCK = 128


def _tier(doccount: int, base: int) -> int:
    return 0 if doccount <= base else int(math.log(doccount / base, FACTOR) + 1e-9)


class TieredMerge:
    """`commit(mergetype=TieredMerge(batch))`: merge the tail's same-tier segments (see module doc)."""

    def __init__(self, base: int = 1000):
        self.base = max(1, base)

    def __call__(self, writer, segments):
        segments = list(segments)
        while True:
            tail = self._mergeable_tail(segments)
            if not tail:
                return segments
            merged = merge_segments(writer, segments[-tail:])
            segments = segments[:-tail] + [merged]

    def _mergeable_tail(self, segments) -> int:
        if len(segments) < FACTOR:
            return 0
        tiers = [_tier(s.doc_count(), self.base) for s in segments]
        t = tiers[-1]
        n = 0
        for x in reversed(tiers):
            if x > t:
                break
            n += 1
        return n if n >= FACTOR else 0


def merge_all(writer, segments):
    """`commit(mergetype=merge_all)`: every existing segment into one."""
    segments = list(segments)
    if len(segments) <= 1 and not any(s.has_deletions() for s in segments):
        return segments
    return [merge_segments(writer, segments)]


# -- the merge -----------------------------------------------------------------------------------
def merge_segments(writer, segments):
    """Write one new segment holding the live documents of `segments`, in order; return it."""
    storage, schema = writer.storage, writer.schema
    codec = CompactCodec()
    newseg = codec.new_segment(storage, writer.indexname)
    readers = [SegmentReader(storage, schema, seg) for seg in segments]
    try:
        docmaps, total = _docmaps(readers)
        lengths = _write_per_doc(codec, storage, newseg, schema, readers, docmaps, total)
        _write_terms(codec, storage, newseg, schema, readers, docmaps, lengths)
        totals = _field_totals(segments, readers, docmaps)
    finally:
        for r in readers:
            r.close()
    newseg.set_doc_count(total)
    newseg._fieldlengths = totals
    return newseg


def _field_totals(segments, readers, docmaps) -> dict[str, int]:
    """Total field lengths (BM25's average length) carried over exactly from the sources.

    Re-adding each document's stored length would sum one-byte *quantised* lengths and shift every
    score a little; the sources' exact totals are kept instead, less the (quantised) lengths of
    documents dropped as deleted.
    """
    totals: dict[str, int] = {}
    for seg, r, dm in zip(segments, readers, docmaps):
        for f, n in getattr(seg, "_fieldlengths", {}).items():
            totals[f] = totals.get(f, 0) + n
        gone = np.flatnonzero(dm < 0)
        if len(gone):
            for f in list(totals):
                if f in r.schema and r.schema[f].scorable:
                    totals[f] -= int(field_lengths(r, f)[gone].sum())
    return totals


def _docmaps(readers) -> tuple[list[np.ndarray], int]:
    """Per source segment: old docnum → new docnum (-1 for a deleted document)."""
    maps, base = [], 0
    for r in readers:
        n = r.doc_count_all()
        live = live_mask(r)
        if live is None:
            m = np.arange(base, base + n, dtype=np.int64)
            base += n
        else:
            m = np.full(n, -1, dtype=np.int64)
            k = int(live.sum())
            m[live] = np.arange(base, base + k, dtype=np.int64)
            base += k
        maps.append(m)
    return maps, base


def _write_per_doc(codec, storage, newseg, schema, readers, docmaps, total) -> dict[str, np.ndarray]:
    """Stored fields, field lengths and columns of the live documents; returns the merged field
    lengths (decoded, by new docnum) for the posting blocks' length statistics."""
    pdw = codec.per_document_writer(storage, newseg)
    fieldnames = sorted(schema.names())
    scorable = [f for f in fieldnames if schema[f].scorable]
    merged_lengths = {f: np.zeros(total, dtype=np.int64) for f in scorable}
    newdoc = 0
    for r, dm in zip(readers, docmaps):
        cols = {}
        for f in fieldnames:
            coltype = schema[f].column_type
            if coltype and r.has_column(f):
                creader = r.column_reader(f, coltype)
                if isinstance(creader, columns.TranslatingColumnReader):
                    creader = creader.raw_column()
                cols[f] = list(creader)
        seg_lengths = {f: field_lengths(r, f).astype(np.int64).tolist() for f in scorable}
        for d in range(r.doc_count_all()):
            if dm[d] < 0:
                continue
            stored = r.stored_fields(d) or {}
            pdw.start_doc(newdoc)
            for f in fieldnames:
                length = seg_lengths[f][d] if f in seg_lengths else 0
                if f in merged_lengths:
                    merged_lengths[f][newdoc] = length
                pdw.add_field(f, schema[f], stored.get(f), length)
                if f in cols and d < len(cols[f]):
                    pdw.add_column_value(f, schema[f].column_type, cols[f][d])
            pdw.finish_doc()
            newdoc += 1
    pdw.close()
    return merged_lengths


def _term_stream(index: int, reader):
    """((fieldname, btext), source index, term-table row) in (field, term) order for one segment
    (rows are decoded only where needed: most terms of a merge are copied as they are)."""
    schema = reader.schema
    keydec = reader._terms._keydecoder
    for k, row in reader._terms._tindex.items():
        key = keydec(k)
        if key[0] in schema:
            yield key, index, row


def _read_all(reader, ti, fixedsize):
    """(docnums, weights, values) of one term in one source segment; values a list of bytes, or
    None for formats without values."""
    if ti.is_inlined():
        ids, weights, values = ti.inlined_postings()
        return np.asarray(ids, dtype=np.int64), list(weights), None if fixedsize == 0 else list(values)
    offset, length = ti.extent()
    if isinstance(length, tuple):
        length = length[0]
    buf = reader._terms._postfile.get(offset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("bad postings header while merging")
    f = io.BytesIO(buf)
    f.seek(4)
    ids_parts, weights, values = [], [], ([] if fixedsize != 0 else None)
    while True:
        blen = unpack_int(f.read(4))[0]
        start = f.tell()
        count, _maxid, _maxw, comp, _mn, _mx = pickle.load(f)
        raw = buf[f.tell():start + abs(blen)]
        if comp:
            raw = zlib.decompress(raw)
        bids, bweights, bvalues = pickle.loads(raw)
        ids_parts.append(np.cumsum(np.asarray(bids, dtype=np.int64)))
        if bweights is None:
            weights.extend([1.0] * count)
        elif isinstance(bweights, (int, float)):
            weights.extend([bweights] * count)
        else:
            weights.extend(bweights)
        if values is not None:
            if fixedsize is None or fixedsize < 0:
                values.extend(bvalues)
            else:
                values.extend(bvalues[i:i + fixedsize] for i in range(0, len(bvalues), fixedsize))
        f.seek(start + abs(blen))
        if blen < 0:
            break
    return np.concatenate(ids_parts), weights, values


def _write_terms(codec, storage, newseg, schema, readers, docmaps, lengths) -> None:
    fw = CompactFieldWriter(codec, storage, newseg)
    streams = [_term_stream(i, r) for i, r in enumerate(readers)]
    current_field = None
    fmt_size = None
    group: list[tuple[int, object]] = []
    last_key = None

    shifts = [int(dm[0]) if len(dm) and (dm >= 0).all() else None for dm in docmaps]
    # Each document's field-length byte (lengths are quantised: the byte they came from).
    table = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)
    length_bytes = {f: np.minimum(np.searchsorted(table, v, side="left"), 255).astype(np.int64)
                    for f, v in lengths.items()}

    def flush_term(fieldname, btext):
        if len(group) == 1 and shifts[group[0][0]] is not None:
            src, row = group[0]
            if row[0] == _COMPACT_INLINE:
                # Inlined postings shifted in place: the row's flag and length bytes stay.
                ids, weights, values = pickle.loads(row[3:])
                shift = shifts[src]
                fw._tindex.add(pack_ushort(fw._fieldid) + btext,
                               row[:3] + _pickle_triple(tuple(i + shift for i in ids), tuple(weights), tuple(values)))
                return
            if row[0] != _COMPACT_INLINE and shifts[src] and _shift_term(fw, btext, readers[src], row, shifts[src]):
                return
            if _copy_term(fw, btext, readers[src], CompactTermInfo.from_bytes(row), shifts[src]):
                return
        ids_parts, weights, values = [], [], []
        has_values = fmt_size != 0
        for src, row in group:
            ti = CompactTermInfo.from_bytes(row)
            ids, w, v = _read_all(readers[src], ti, fmt_size)
            new = docmaps[src][ids]
            keep = new >= 0
            if not keep.all():
                idx = np.flatnonzero(keep)
                new = new[idx]
                w = [w[i] for i in idx]
                v = [v[i] for i in idx] if v is not None else None
            ids_parts.append(new)
            weights.extend(w)
            if has_values and v is not None:
                values.extend(v)
        ids = np.concatenate(ids_parts) if ids_parts else np.zeros(0, dtype=np.int64)
        if not len(ids):
            return  # every posting was in deleted documents: the term disappears
        # What the postings writer writes when the postings are added one by one (the merged
        # segment is the one a single batch writes: test_merge_equivalence), through the batch
        # writer's flat encoders instead of a pickle per posting.
        n = len(ids)
        ids_l = ids.tolist()
        w32 = array("f", weights).tolist()  # the postings writer keeps weights as float32
        vals = values if has_values else []
        lb = length_bytes.get(fieldname)
        plb = lb[ids].tolist() if lb is not None else None
        if n < fw._codec._inlinelimit:
            minb = min((x for x in plb if x), default=0) if plb is not None else 0
            maxb = max(plb) if plb is not None else 0
            fw._tindex.add(pack_ushort(fw._fieldid) + btext,
                           inline_row(ids_l, w32, [v for v in vals if v], minb, maxb))
            return
        pw = fw._postwriter
        data, weight, df, lo, hi, maxweight = term_postings(
            ids_l, w32, w32, ListValues(vals), 0, plb, fmt_size, pw._compression, pw._blocklimit)
        postfile = fw._postfile
        at = postfile.tell()
        postfile.write(data)
        fw._tindex.add(pack_ushort(fw._fieldid) + btext,
                       _ROW.pack(False, weight, df, lo, hi, maxweight, ids_l[0], ids_l[-1])
                       + pack_long(at) + pack_int(len(data)))

    for key, src, row in heapq.merge(*streams, key=lambda t: t[0]):
        if key != last_key:
            if last_key is not None:
                flush_term(*last_key)
            group = []
            fieldname = key[0]
            if fieldname != current_field:
                if current_field is not None:
                    fw.finish_field()
                current_field = fieldname
                fieldobj = schema[fieldname]
                fw.start_field(fieldname, fieldobj)
                fmt_size = fieldobj.format.fixed_value_size()
            last_key = key
        group.append((src, row))
    if last_key is not None:
        flush_term(*last_key)
        fw.finish_field()
    fw.close()


_ROW = CompactTermInfo._struct


def _shift_term(fw, btext: bytes, reader, row: bytes, shift: int) -> bool:
    """A posting list of a later source segment without deletions, its docnums shifted block by
    block (only each block's first, absolute, docnum and its last changes): the bytes the general
    path (every posting decoded, added again) writes, at a fraction of the cost. False where a
    block's stored maximum weight is not an integer (the general path recomputes it in float32)."""
    weight, df, minl, maxl, maxweight, minid, maxid = _ROW.unpack(row[:_ROW.size])[1:]
    ti = CompactTermInfo.from_bytes(row)
    offset, length = ti.extent()
    if isinstance(length, tuple):
        length = length[0]
    buf = reader._terms._postfile.get(offset, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        return False
    compression = fw._codec._compression
    out = [WHOOSH3_HEADER_MAGIC]
    f = io.BytesIO(buf)
    f.seek(4)
    while True:
        blen = unpack_int(f.read(4))[0]
        start = f.tell()
        count, bmax, bmaxw, comp, mn, mx = pickle.load(f)
        if type(bmaxw) is not int:
            return False
        raw = buf[f.tell():start + abs(blen)]
        if comp:
            raw = zlib.decompress(raw)
        bids, bweights, bvalues = pickle.loads(raw)
        databytes = _pickle_small(((bids[0] + shift,) + tuple(bids[1:]), bweights, bvalues))
        comp = compression if len(databytes) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        infobytes = _pickle_small((count, bmax + shift, bmaxw, comp, mn, mx))
        n = len(infobytes) + len(databytes)
        out.append(pack_int(-n if blen < 0 else n))
        out.append(infobytes)
        out.append(databytes)
        f.seek(start + abs(blen))
        if blen < 0:
            break
    data = b"".join(out)
    postfile = fw._postfile
    at = postfile.tell()
    postfile.write(data)
    fw._tindex.add(pack_ushort(fw._fieldid) + btext,
                   _ROW.pack(False, weight, df, minl, maxl, maxweight, minid + shift, maxid + shift)
                   + pack_long(at) + pack_int(len(data)))
    return True


def _copy_term(fw, btext: bytes, reader, ti, shift: int) -> bool:
    """Fast paths for a term found in one source segment without deletions (most terms): inlined
    postings are shifted in place; posting blocks of the first segment (shift 0) are copied as
    bytes. Returns False when the general path is needed."""
    new = CompactTermInfo()
    for attr in ("_weight", "_df", "_minlength", "_maxlength", "_maxweight", "_minid", "_maxid"):
        setattr(new, attr, getattr(ti, attr))
    if ti.is_inlined():
        ids, weights, values = ti.inlined_postings()
        new._inlined = (tuple(i + shift for i in ids), tuple(weights), tuple(values))
    elif shift == 0:
        offset, length = ti.extent()
        if isinstance(length, tuple):
            length = length[0]
        postfile = fw._postfile
        start = postfile.tell()
        postfile.write(reader._terms._postfile.get(offset, length))
        new._offset, new._length = start, length
    else:
        return False
    if new._minid is not None:
        new._minid += shift
        new._maxid += shift
    fw._tindex.add(pack_ushort(fw._fieldid) + btext, new.to_bytes())
    return True


# CompactTermInfo must be what the field writer creates (it fixes inlining): keep the import used.
_ = CompactTermInfo
