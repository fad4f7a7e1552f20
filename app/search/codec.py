"""A compact on-disk encoding for Whoosh postings (same reader logic, far fewer bytes).

Why: Whoosh's W3 codec pickles every posting block with protocol 2, where each `bytes` value costs
~18 bytes of `_codecs.encode(…, 'latin1')` wrapping, frequencies are 4-byte ints, weights 9-byte
floats, and positions are a 4-byte count plus a pickled list. Measured on 4,000 news articles, the
index was 3.6× the raw UTF-8 text. This codec writes the same structures more tightly:

- `VarintPositions`: positions as varint count + varint deltas (≈1 byte a position);
- posting blocks and inlined postings pickled with protocol 5 (bytes cost 2 bytes of framing),
  integral weights stored as ints;
- postings of terms that occur in a single document are inlined into the term table (Whoosh 3's
  `inlinelimit` path calls a method its TermInfo lacks, so it never inlines).

Reading uses Whoosh's own matchers (pickle reads any protocol). Segments record their codec, so the
class path `app.search.codec.CompactCodec` is part of the index format: keep it importable, and bump
`schema.SCHEMA_VERSION` whenever the encoding changes (the index is then rebuilt from the database).
"""
from __future__ import annotations

import struct
from array import array
from pickle import dumps, loads
from typing import Any

from whoosh import formats
from whoosh.filedb import filetables
from whoosh.codec.whoosh3 import (COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldCursor,
                                  W3FieldWriter, W3PostingsWriter, W3TermInfo, W3TermsReader)
from whoosh.reading import TermNotFound
from whoosh.system import pack_int, pack_long
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.varints import varint

try:
    import zlib
except ImportError:  # pragma: no cover - CPython always has zlib
    zlib = None

PICKLE_PROTOCOL = 5
#: Terms in fewer documents than this keep their postings in the term table: a posting list of its
#: own costs a file pointer, a header and a block header (≈ 55 bytes) before its first posting.
INLINE_LIMIT = 5


def _decode_varints(b: bytes) -> list[int]:
    out: list[int] = []
    i = shift = n = 0
    for byte in b:
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            out.append(n)
            n = shift = 0
    return out


class VarintPositions(formats.Positions):
    """Positions encoded as varint deltas (the count is the posting's weight, so not repeated)."""

    def encode(self, poslist: Any) -> bytes:
        out = []
        base = 0
        for pos in poslist:
            out.append(varint(pos - base))
            base = pos
        return b"".join(out)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions, pos = [], 0
        for d in _decode_varints(valuestring):
            pos += d
            positions.append(pos)
        return positions

    def decode_frequency(self, valuestring: bytes) -> int:
        return sum(1 for byte in valuestring if not byte & 0x80)


class TermFrequency(formats.Format):
    """Term frequencies without positions, kept only as each posting's weight (frequency × field
    boost, which BM25F reads): Whoosh's `Frequency` also stores the count again as a 4-byte value
    per posting."""

    def fixed_value_size(self) -> int:
        return 0

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        freqs: dict = {}
        for t in formats.tokens(value, analyzer, kwargs):
            freqs[t.text] = freqs.get(t.text, 0) + 1
        return ((w, n, n * fb, b"") for w, n in freqs.items())

    def encode(self, value) -> bytes:
        return b""


def _pickle_small(obj) -> bytes:
    """A minimal pickle of postings data (`pickle.loads` reads it back).

    `pickle.dumps` adds a 9-byte frame and a memo entry per object: on a one-document term that
    is a third of its term-table entry, on a small posting block a third of the block. Postings
    data is tuples of small ints, floats, bytes and None, written here with protocol 2 opcodes
    only; anything else falls back to `dumps`."""
    out = [b"\x80\x02"]
    if not _opcodes(obj, out):
        return dumps(obj, PICKLE_PROTOCOL)
    out.append(b".")
    return b"".join(out)


def _opcodes(v, out: list) -> bool:
    if v is None:
        out.append(b"N")
    elif type(v) is int:
        if 0 <= v < 256:
            out.append(b"K" + bytes((v,)))
        elif 0 <= v < 65536:
            out.append(b"M" + v.to_bytes(2, "little"))
        elif -2**31 <= v < 2**31:
            out.append(b"J" + v.to_bytes(4, "little", signed=True))
        else:
            return False
    elif type(v) is float:
        out.append(b"G" + struct.pack(">d", v))
    elif type(v) is bytes:
        n = len(v)
        out.append((b"C" + bytes((n,)) if n < 256 else b"B" + n.to_bytes(4, "little")) + v)
    elif type(v) is tuple:
        n = len(v)
        if n > 3:
            out.append(b"(")
        for item in v:
            if not _opcodes(item, out):
                return False
        out.append((b")", b"\x85", b"\x86", b"\x87")[n] if n <= 3 else b"t")
    else:
        return False
    return True


#: First byte of a term-table entry whose postings are inlined in the compact layout (W3 writes 0
#: for a posting list in the postings file, 1 for its own inlined layout).
_COMPACT_INLINE = 2


class CompactTermInfo(W3TermInfo):
    """Term statistics and pointer (W3's 35-byte layout), or — for a term in a few documents — a
    flag, the two length bytes and the postings: df, total weight, max weight and the docnum range
    are recomputed from the postings on reading (W3 would store 20 more bytes for them)."""

    def set_inline(self, ids, weights, values) -> None:
        # Formats without values must read back as None, not ListMatcher's "" default:
        # segment merges pass values on to the writer's pool, which accepts only bytes or None.
        vals = tuple(v or None for v in values) if values else (None,) * len(ids)
        self._inlined = (tuple(ids), _mini_weights_list(weights), vals)

    def to_bytes(self) -> bytes:
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        maxlength = length_to_byte(self._maxlength)
        if self.is_inlined():
            return bytes((_COMPACT_INLINE, minlength, maxlength)) + _pickle_small(self._inlined)
        minid = 0xFFFFFFFF if self._minid is None else self._minid
        maxid = 0xFFFFFFFF if self._maxid is None else self._maxid
        st = self._struct.pack(False, self._weight, self._df, minlength, maxlength, self._maxweight,
                               minid, maxid)
        return st + pack_long(self._offset) + pack_int(self._length)

    @classmethod
    def from_bytes(cls, s: bytes) -> W3TermInfo:
        if s[0] != _COMPACT_INLINE:
            return W3TermInfo.from_bytes(s)
        ti = cls()
        ids, weights, values = loads(s[3:])
        ti._inlined = (ids, weights, values)
        ti._df = len(ids)
        ti._weight = float(sum(weights))
        ti._maxweight = max(weights) if weights else 0
        ti._minlength = byte_to_length(s[1])
        ti._maxlength = byte_to_length(s[2])
        ti._minid = ids[0] if ids else None
        ti._maxid = ids[-1] if ids else None
        return ti


class _CompactFieldCursor(W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return CompactTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class CompactTermsReader(W3TermsReader):
    """W3's terms reader, decoding entries with `CompactTermInfo.from_bytes`."""

    def cursor(self, fieldname, fieldobj):
        return _CompactFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        dec, keydec = CompactTermInfo.from_bytes, self._keydecoder
        return ((keydec(k), dec(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        dec, keydec = CompactTermInfo.from_bytes, self._keydecoder
        return ((keydec(k), dec(v)) for k, v in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def term_info(self, fieldname, tbytes):
        try:
            return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    # Callers catch KeyError for an absent term (as from W3's direct reads).
    def frequency(self, fieldname, tbytes):
        return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)]).weight()

    def doc_frequency(self, fieldname, tbytes):
        return CompactTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)]).doc_frequency()


def _mini_number(w):
    return int(w) if w == int(w) else float(w)


def _mini_weights_list(weights) -> tuple:
    """Weights as a tuple, ints where integral (a pickled int is 2 bytes, a float 9)."""
    return tuple(int(w) if w == int(w) else w for w in weights)


class CompactPostingsWriter(W3PostingsWriter):
    def _mini_weights(self):
        weights = self._weights
        first = weights[0]
        if all(w == 1.0 for w in weights):
            return None
        if all(w == first for w in weights):
            return first
        return _mini_weights_list(weights)

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = _pickle_small((self._mini_ids(), self._mini_weights(), self._mini_values()))
        comp = self._compression if len(databytes) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = _pickle_small((len(ids), ids[-1], _mini_number(self._maxweight), comp,
                                   length_to_byte(self._minlength), length_to_byte(self._maxlength)))
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def _new_block(self) -> None:
        super()._new_block()
        if not self._byteids:
            self._ids = array("I")


class _WholeColumnLengths:
    """Field lengths for segment writing, each length column read once as bytes.

    Whoosh's writer asks the new segment's per-document reader for the field length of every
    posting it writes (one file read per posting: 8% of a segment flush); reading the whole
    one-byte-per-document column once makes that a bytes index.
    """

    _TABLE = tuple(byte_to_length(i) for i in range(256))

    def __init__(self, perdoc):
        self._perdoc = perdoc

    def doc_field_length(self, docnum, fieldname, default=0):
        return self._perdoc.doc_field_length(docnum, fieldname, default)

    def doc_field_length_reader(self, fieldname, default=0):
        lenfield = f"_{fieldname}_len"
        perdoc = self._perdoc
        if not perdoc.has_column(lenfield):
            return lambda docnum, _default=default: _default
        colfile, offset, length = perdoc._get_column_file(lenfield)
        try:
            raw = colfile.get(offset, length)
        finally:
            colfile.close()
        table, n = self._TABLE, len(raw)

        def get(docnum):
            if docnum < n and (b := raw[docnum]):
                return table[b]
            return None  # as W3PerDocReader.doc_field_length_reader for an absent byte

        return get


class CompactTermTable(filetables.OrderedHashWriter):
    """Whoosh's term table with hash tables 80% full instead of 50% (12 bytes a slot: at ~100
    bytes a term, the empty half was a tenth of the index). Readers probe until an empty slot,
    and every table keeps at least one."""

    def _write_hashes(self) -> None:
        dbfile = self.dbfile
        null = (0, 0)
        for entries in self.buckets:
            pos = dbfile.tell()
            numslots = len(entries) + len(entries) // 4 + 1 if entries else 0
            self.directory.append((pos, numslots))
            table = [null] * numslots
            for hashval, position in entries:
                slot = (hashval >> 8) % numslots
                while table[slot] != null:
                    slot = (slot + 1) % numslots
                table[slot] = (hashval, position)
            dbfile.write(b"".join(filetables._pointer.pack(h, p) for h, p in table))


class CompactFieldWriter(W3FieldWriter):
    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self._tindex.__class__ = CompactTermTable  # created (header written) by W3FieldWriter

    def add_postings(self, schema, lengths, items):
        if lengths is not None and hasattr(lengths, "_get_column_file"):
            lengths = _WholeColumnLengths(lengths)
        return super().add_postings(schema, lengths, items)

    def start_term(self, btext):
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, CompactTermInfo())


class CompactCodec(W3Codec):
    """W3 with compact posting blocks and inlined single-document postings."""

    def __init__(self, blocklimit: int = 128, compression: int = 3, inlinelimit: int = INLINE_LIMIT):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return CompactFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        return CompactTermsReader(self, storage.open_file(tiname), storage.file_length(tiname),
                                  segment.open_file(storage, self.POSTS_EXT))

    def postings_writer(self, dbfile, byteids: bool = False):
        return CompactPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                     compression=self._compression, inlinelimit=self._inlinelimit)
