"""Writing an ingest batch's segment from the batch's postings, grouped per term at commit.

Why: Whoosh's `SegmentWriter.add_document` puts every posting — a (field, term, docnum, weight,
value) tuple — into a pool, sorts the pool at commit, and hands the sorted stream to the codec one
posting at a time; for a batch of 2,000 news reports that is about 600,000 postings and was half
of the main process's ingest time. Here a document's postings are kept as a few flat parts per
field (its terms, a weights array, one values blob: what the ingest workers hand over in
`fields.PreAnalysed`), so adding a document costs a few appends; at commit a field's postings are
grouped per term with numpy (a stable sort of term numbers keeps each term's docnums in order),
and each term's posting list and term-table row are written from slices of whole-field arrays
(`codec.term_postings`, `codec.inline_row…`): Python work per term and per block, not per posting.

The segment is byte-for-byte what Whoosh writes: same per-document data (written through the same
per-document writer calls as `add_document`), same terms in the same order, same blocks, the same
block statistics (field lengths as the per-document reader returns them: one byte, quantised).
The writer's lock, deletions, merge policy and table of contents stay Whoosh's: `GroupedPostings`
only replaces how one writer's new segment is filled. For bulk writes (reindex) Whoosh's pool is
kept: it spills to disk, where these lists would hold a whole archive in memory.
"""
from __future__ import annotations

from array import array

import numpy as np
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.arabic.analyzer import splitter_for
from app.arabic.glue import active_vocabulary

from .codec import (CompactFieldWriter, CompactTermInfo, ValueOps, inline_row, inline_row_ints, inline_row_one,
                    term_postings)
from .fields import PreAnalysed

BLOCK = 128


class _FieldPostings:
    """One field's postings of the batch as flat parts, in docnum order: the terms (one bytes
    object per posting), weights, values (one blob per document) — nothing per posting but the
    term, so adding a document costs a few appends; grouping per term happens once, at commit,
    with numpy."""

    __slots__ = ("terms", "weights", "values", "value_lengths", "docs", "counts")

    def __init__(self) -> None:
        self.terms: list[bytes] = []
        self.weights: list[np.ndarray] = []
        self.values: list[bytes] = []
        self.value_lengths: list[bytes] = []
        self.docs: list[int] = []
        self.counts: list[int] = []


class GroupedPostings:
    """Fills `writer`'s new segment; use `add` / `update` instead of the writer's own methods."""

    def __init__(self, writer, count_field: str | None = None):
        self.writer = writer
        #: `count_field`'s terms → documents in the flushed segment (`vocabulary.KeptVocabulary`).
        self.count_field = count_field
        self.counted: dict[bytes, int] | None = {} if count_field else None
        self.schema = writer.schema
        for name, field in self.schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: spelling words and term vectors need Whoosh's own writer")
        self.fields: dict[str, _FieldPostings] = {}
        #: fieldname → quantised length by docnum, and its length byte (scorable fields)
        self.lengths: dict[str, list[int]] = {}
        self.length_bytes: dict[str, bytearray] = {}
        self._quant: dict[int, tuple[int, int]] = {}
        self._splitter = None
        self._asked: dict[frozenset[str], bool] = {}
        #: (splitter, words decided, the ones that split) from `decide_splits`
        self._decided: tuple | None = None
        writer._flush_segment = self._flush_segment  # the commit path calls it on the instance

    def update(self, fields: dict) -> None:
        """`writer.update_document(**fields)`: replaces committed documents with the same unique values."""
        w = self.writer
        unique = w._unique_fields(fields)
        if unique:
            with w.searcher() as s:
                for docnum in s._find_unique([(name, fields[name]) for name in unique]):
                    w.delete_document(docnum)
        self.add(fields)

    def add(self, fields: dict) -> None:
        """`writer.add_document(**fields)` without the pool (fields without boosts or `_` keys)."""
        w = self.writer
        w._check_state()
        schema, pdw, docnum = self.schema, w.perdocwriter, w.docnum
        names = sorted(fields)
        w._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for fieldname in names:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    acc = self.fields.get(fieldname)
                    if acc is None:
                        acc = self.fields[fieldname] = _FieldPostings()
                    scorable = field.scorable
                    if isinstance(value, PreAnalysed) and field.fast_path_ok() and self._nothing_splits(value.asked):
                        # The usual case at ingest: what `field.index(value)` yields, as flat parts.
                        n = len(value.freqs) >> 2
                        if n:
                            freqs = np.frombuffer(value.freqs, dtype=np.uint32)
                            acc.terms.extend(value.terms.split(b"\0"))
                            acc.weights.append(freqs * field.format.field_boost)
                            acc.values.append(value.values)
                            acc.value_lengths.append(value.value_lengths)
                            acc.docs.append(docnum)
                            acc.counts.append(n)
                            if scorable:
                                length = int(freqs.sum())
                    else:
                        terms, weights, values = [], [], []
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            terms.append(tbytes)
                            weights.append(weight)
                            values.append(vbytes)
                        if terms:
                            acc.terms.extend(terms)
                            acc.weights.append(np.array(weights, dtype=np.float64))
                            acc.values.append(b"".join(values))
                            acc.value_lengths.append(array("I", map(len, values)).tobytes())
                            acc.docs.append(docnum)
                            acc.counts.append(len(terms))
                    if scorable:
                        lens = self.lengths.get(fieldname)
                        if lens is None:
                            lens = self.lengths[fieldname] = []
                            self.length_bytes[fieldname] = bytearray()
                        lbytes = self.length_bytes[fieldname]
                        if len(lens) <= docnum:
                            lens.extend([0] * (docnum + 1 - len(lens)))
                            lbytes.extend(bytes(docnum + 1 - len(lbytes)))
                        q = self._quant.get(length)
                        if q is None:
                            b = length_to_byte(length)
                            q = self._quant[length] = (byte_to_length(b) if b else 0, b)
                        lens[docnum], lbytes[docnum] = q
                if isinstance(value, PreAnalysed):
                    value = value.text  # what a stored field or column would hold
                pdw.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    pdw.add_column_value(fieldname, column, field.to_column_value(value))
        except ValueError:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        w._added = True
        w.docnum += 1

    def decide_splits(self, asked_sets) -> None:
        """Decide, under the active vocabulary, every word that `asked_sets` (the batch's
        `PreAnalysed.asked`) ask about, once: a document's question is then one set operation
        (`_nothing_splits`) instead of a decision lookup per word per field."""
        splitter = splitter_for(active_vocabulary())
        words = set().union(*asked_sets)
        split = splitter.split
        self._decided = (splitter, frozenset(words), frozenset(w for w in words if split(w)))

    def _nothing_splits(self, asked: frozenset[str]) -> bool:
        """No word of `asked` splits under the active vocabulary (`PreAnalysed`). Remembered per
        set: a report's stem and exact-form fields ask about the same words."""
        splitter = splitter_for(active_vocabulary())
        decided = self._decided
        if decided is not None and decided[0] is splitter and asked <= decided[1]:
            return asked.isdisjoint(decided[2])
        if splitter is not self._splitter:
            self._splitter, self._asked = splitter, {}
        ok = self._asked.get(asked)
        if ok is None:
            split = splitter.split
            ok = self._asked[asked] = not any(split(w) for w in asked)
            if len(self._asked) > 64:
                self._asked.clear()
        return ok

    # -- commit --------------------------------------------------------------------------------
    def _flush_segment(self) -> None:
        w = self.writer
        w.perdocwriter.close()
        fw = w.fieldwriter
        for fieldname in sorted(self.fields):
            acc = self.fields[fieldname]
            if not acc.terms:
                continue
            field = self.schema[fieldname]
            grouped = _group(acc)
            if fieldname == self.count_field:
                self.counted = dict(zip(grouped.terms, grouped.counts.tolist()))
            fw.start_field(fieldname, field)
            _write_field(fw, field, grouped, self.lengths.get(fieldname), self.length_bytes.get(fieldname))
            fw.finish_field()
        fw.close()
        self.fields.clear()
        self.lengths.clear()
        self.length_bytes.clear()


class _Grouped:
    """A field's postings sorted by term (then docnum): term i's postings are [starts[i], ends[i])."""

    __slots__ = ("terms", "counts", "starts", "docs", "weights", "value_starts", "value_lengths", "blob")


def _group(acc: _FieldPostings) -> _Grouped:
    g = _Grouped()
    terms = acc.terms
    g.terms = sorted(set(terms))
    number = dict(zip(g.terms, range(len(g.terms))))
    tids = np.fromiter(map(number.__getitem__, terms), dtype=np.int64, count=len(terms))
    order = np.argsort(tids, kind="stable")  # stable: each term's postings stay in docnum order
    g.counts = np.bincount(tids, minlength=len(g.terms))
    g.starts = np.cumsum(g.counts) - g.counts
    g.docs = np.repeat(np.array(acc.docs, dtype=np.int64), acc.counts)[order]
    g.weights = np.concatenate(acc.weights)[order]
    lengths = np.frombuffer(b"".join(acc.value_lengths), dtype=np.uint32).astype(np.int64)
    g.value_starts = (np.cumsum(lengths) - lengths)[order]
    g.value_lengths = lengths[order]
    g.blob = b"".join(acc.values)
    return g


def _write_field(fw, field, g: _Grouped, lengths: list[int] | None, length_bytes: bytearray | None) -> None:
    """Every term of one field, in order: a term in fewer than the codec's inline limit of
    documents as its term-table row directly (what start_term → add_posting… → finish_term
    leaves: the postings inlined in the row), the others through the postings writer, a block
    at a time."""
    n_terms = len(g.terms)
    docs = g.docs
    # Length bytes of each posting's document, and each term's shortest (non-zero) and longest.
    if length_bytes is not None:
        lb = np.frombuffer(bytes(length_bytes), dtype=np.uint8).astype(np.int64)
        plb = np.zeros(len(docs), dtype=np.int64)
        inside = docs < len(lb)
        plb[inside] = lb[docs[inside]]
        maxb = np.maximum.reduceat(plb, g.starts).tolist()
        minb = np.minimum.reduceat(np.where(plb == 0, 256, plb), g.starts)
        minb = np.where(minb == 256, 0, minb).tolist()
    else:
        maxb = minb = [0] * n_terms
    compact = isinstance(fw, CompactFieldWriter)
    inline_limit = fw._codec._inlinelimit if compact else 0
    counts, starts = g.counts.tolist(), g.starts.tolist()
    docs_l = docs.tolist()
    w64 = g.weights.tolist()
    w32 = g.weights.astype(np.float32).tolist()  # the postings writer keeps weights as float32
    plb_l = plb.tolist() if length_bytes is not None else None
    vs, vl, blob = g.value_starts.tolist(), g.value_lengths.tolist(), g.blob
    tindex_add, prefix = fw._tindex.add, pack_ushort(fw._fieldid)
    fixedsize = field.format.fixed_value_size()
    postfile = fw._postfile
    offset = postfile.tell() if compact else 0
    if compact:
        pw = fw._codec.postings_writer(postfile)
        compression, blocklimit, pack_row = pw._compression, pw._blocklimit, CompactTermInfo._struct.pack
    vo = ValueOps(g.value_lengths, g.value_starts, blob) if compact else None
    # Whole-field arrays the posting blocks are cut from (no per-posting Python per block).
    steps = np.diff(docs, prepend=0).tolist()
    w32a = g.weights.astype(np.float32)
    int_weights = (w32a.astype(np.int64).tolist() if len(w32a) and (w32a == np.floor(w32a)).all()
                   and w32a.min() >= 0 and w32a.max() < 65536 else None)
    lengths_nonzero = length_bytes is not None and bool((plb != 0).all())
    small = int_weights is not None and (not len(docs) or int(docs.max()) < 65536)
    for i, tbytes in enumerate(g.terms):
        c, s = counts[i], starts[i]
        e = s + c
        if c < inline_limit:
            if c == 1:
                n = vl[s]
                row = inline_row_one(docs_l[s], w32[s], blob[vs[s]:vs[s] + n] if n else b"", minb[i], maxb[i])
            else:
                row = None
                if small:
                    if not any(vl[s:e]):
                        row = inline_row_ints(docs_l[s:e], int_weights[s:e], None, minb[i], maxb[i])
                    else:
                        vops = vo.tuple_ops(s, e)
                        if vops is not None:
                            row = inline_row_ints(docs_l[s:e], int_weights[s:e], vops, minb[i], maxb[i])
                if row is None:
                    row = inline_row(docs_l[s:e], w32[s:e], [v for v in vo.values(s, e) if v], minb[i], maxb[i])
            tindex_add(prefix + tbytes, row)
        elif compact:
            data, weight, df, lo, hi, maxweight = term_postings(
                docs_l[s:e], w64[s:e], w32[s:e], vo, s, plb_l[s:e] if plb_l is not None else None,
                fixedsize, compression, blocklimit, steps, int_weights, lengths_nonzero)
            postfile.write(data)
            tindex_add(prefix + tbytes, pack_row(False, weight, df, lo, hi, maxweight, docs_l[s], docs_l[e - 1])
                       + pack_long(offset) + pack_int(len(data)))
            offset += len(data)
        else:
            fw.start_term(tbytes)
            _fill_blocks(fw._postwriter, array("I", docs[s:e].astype(np.uint32).tobytes()), w64[s:e],
                         [blob[a:a + n] for a, n in zip(vs[s:e], vl[s:e])], lengths)
            fw.finish_term()


def _fill_blocks(pw, ids: array, weights: list, values: list, lengths: list[int] | None) -> None:
    """One term's postings into the postings writer's block buffer, as `add_posting` would put
    them: it writes every full block, and `finish_term` writes or inlines the last one."""
    n = len(ids)
    for start in range(0, n, BLOCK):
        end = min(n, start + BLOCK)
        if start:
            pw._write_block()
        bids = ids[start:end]
        bw = weights[start:end]
        pw._ids = bids
        pw._weights = array("f", bw)
        pw._values = [v for v in values[start:end] if v]
        pw._maxweight = max(0, max(bw))
        if lengths is not None:
            ls = [lengths[d] if d < len(lengths) else 0 for d in bids]
            nz = [x for x in ls if x]
            pw._minlength = min(nz) if nz else None
            pw._maxlength = max(nz) if nz else 0
        else:
            pw._minlength, pw._maxlength = None, 0
