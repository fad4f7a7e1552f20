"""Writing an ingest batch's segment from postings grouped per term as the documents arrive.

Why: Whoosh's `SegmentWriter.add_document` puts every posting — a (field, term, docnum, weight,
value) tuple — into a pool, sorts the pool at commit, and hands the sorted stream to the codec one
posting at a time; for a batch of 2,000 news reports that is about 600,000 postings and was half
of the main process's ingest time. Here each document's postings are appended to its term's lists
(docnums arrive in order, so no sort but one of the distinct terms), and at commit each term's
postings go to the postings writer a block of up to 128 at a time, as `merge.py` does.

The segment is byte-for-byte what Whoosh writes: same per-document data (written through the same
per-document writer calls as `add_document`), same terms in the same order, same blocks, the same
block statistics (field lengths as the per-document reader returns them: one byte, quantised).
The writer's lock, deletions, merge policy and table of contents stay Whoosh's: `GroupedPostings`
only replaces how one writer's new segment is filled. For bulk writes (reindex) Whoosh's pool is
kept: it spills to disk, where these lists would hold a whole archive in memory.
"""
from __future__ import annotations

from array import array

from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.arabic.analyzer import splitter_for
from app.arabic.glue import active_vocabulary

from .codec import CompactTermInfo
from .fields import PreAnalysed

BLOCK = 128


def _quantised(length: int) -> int:
    """A field length as the segment's per-document reader gives it back (0: none stored)."""
    b = length_to_byte(length)
    return byte_to_length(b) if b else 0


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
        #: fieldname → term bytes → (docnums, weights, values)
        self.terms: dict[str, dict[bytes, tuple[array, list, list]]] = {}
        #: fieldname → quantised length by docnum (scorable fields)
        self.lengths: dict[str, list[int]] = {}
        self._quant: dict[int, int] = {}
        self._splitter = None
        self._asked: dict[frozenset[str], bool] = {}
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
                    terms = self.terms.get(fieldname)
                    if terms is None:
                        terms = self.terms[fieldname] = {}
                    scorable = field.scorable
                    if isinstance(value, PreAnalysed) and field.fast_path_ok() and self._nothing_splits(value.asked):
                        # The usual case at ingest, unrolled: what `field.index(value)` yields.
                        freqs, lens = array("I"), array("I")
                        freqs.frombytes(value.freqs)
                        lens.frombytes(value.value_lengths)
                        fb = field.format.field_boost
                        blob, at = value.values, 0
                        for tbytes, freq, n in zip(value.terms.split(b"\0") if value.freqs else (), freqs, lens):
                            p = terms.get(tbytes)
                            if p is None:
                                p = terms[tbytes] = (array("I"), [], [])
                            p[0].append(docnum)
                            p[1].append(float(freq) * fb)
                            p[2].append(blob[at:at + n])
                            at += n
                        if scorable:
                            length = sum(freqs)
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            p = terms.get(tbytes)
                            if p is None:
                                p = terms[tbytes] = (array("I"), [], [])
                            p[0].append(docnum)
                            p[1].append(weight)
                            p[2].append(vbytes)
                    if scorable:
                        lens = self.lengths.get(fieldname)
                        if lens is None:
                            lens = self.lengths[fieldname] = []
                        lens.extend([0] * (docnum + 1 - len(lens)))
                        q = self._quant.get(length)
                        if q is None:
                            q = self._quant[length] = _quantised(length)
                        lens[docnum] = q
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

    def _nothing_splits(self, asked: frozenset[str]) -> bool:
        """No word of `asked` splits under the active vocabulary (`PreAnalysed`). Remembered per
        set: a report's stem and exact-form fields ask about the same words."""
        splitter = splitter_for(active_vocabulary())
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
        for fieldname in sorted(self.terms):
            terms = self.terms[fieldname]
            if not terms:
                continue
            if fieldname == self.count_field:
                self.counted = {t: len(p[0]) for t, p in terms.items()}
            fw.start_field(fieldname, self.schema[fieldname])
            lengths = self.lengths.get(fieldname)
            inline = _inliner(fw, lengths)
            for tbytes in sorted(terms):
                ids, weights, values = terms[tbytes]
                if len(ids) == 1 and inline is not None:
                    inline(tbytes, ids[0], weights[0], values[0])
                    continue
                fw.start_term(tbytes)
                _fill_blocks(fw._postwriter, ids, weights, values, lengths)
                fw.finish_term()
            fw.finish_field()
        fw.close()
        self.terms.clear()
        self.lengths.clear()


def _inliner(fw, lengths):
    """For a term in one document (most terms of a batch): its term-table row written directly,
    as start_term → add_posting → finish_term would leave it (postings inlined in the row)."""
    if fw._codec._inlinelimit < 2:
        return None
    tindex_add, prefix = fw._tindex.add, pack_ushort(fw._fieldid)

    def inline(tbytes: bytes, docnum: int, weight: float, value: bytes) -> None:
        ti = CompactTermInfo()
        wf = array("f", (weight,))
        length = lengths[docnum] if lengths is not None and docnum < len(lengths) else 0
        ti._weight = sum(wf)
        ti._df = 1
        ti._minlength = length or None
        ti._maxlength = length
        ti._maxweight = weight if weight > 0 else 0
        ti._minid = ti._maxid = docnum
        ti.set_inline(array("I", (docnum,)), wf, [value] if value else [])
        tindex_add(prefix + tbytes, ti.to_bytes())

    return inline


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
