"""pyHanko's difference analysis, with the commonest later revision recognised cheaply.

A Vietnamese document is signed twice: by the person, then by the organisation. The person's
signature is therefore followed by a revision that adds the organisation's, and pyHanko's standard
policy reviews that revision by reading every object of the signed one to map the paths reaching
each of them: about 40 % of verifying such a file. `SignatureAdditionPolicy` first tries to prove
that a revision is exactly "a signature was added"; when it cannot, pyHanko's own review runs,
unchanged. `tests/test_revisions.py` proves that the answer is pyHanko's where the shape holds, and
that every attack of `samples/attacks.py` gives the same signature facts with and without the
shortcut.

The shape (all of it, between the revision before, "old", and the one reviewed, "new"):
- the trailer keeps its /Root and /Info; nothing is encrypted, freed or in a hybrid xref;
- each object the new revision writes that already existed is unchanged, or is
    the AcroForm, with only /Fields grown at its end (and /SigFlags set),
    a page, with only /Annots grown at its end, or
    the document information dictionary (metadata, which pyHanko's policy allows too);
- what /Fields gained are new signature fields filled with a signature (not a document
  timestamp), each its own widget (/FT /Sig, no /Parent or /Kids), and what /Annots gained are
  among them;
- no object of the old revisions refers to an object number they did not have: a reference left
  dangling until a later revision defines its object would change what was signed without touching
  it (pyHanko finds it through the same path map). The bytes of the old revisions and their object
  streams are searched for such references; anything that looks like one sends the revision to
  pyHanko. Other new objects are then reachable only through the added fields, or from nothing
  (orphans, which pyHanko's policy lets pass too).
The verdict is then the one pyHanko's policy gives: form filling, the added fields changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.diff_analysis.policies import StandardDiffPolicy
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

# A reference as pyHanko's parser recognises one (its INDIRECT_PATTERN "N G R" within the 20 bytes
# it peeks at), found from its "R": white space then R is rare enough to look for with bytes.find,
# which is several times faster over signature hex and font data than any pattern starting at N.
_REFERENCE_ENDS = tuple(space + b"R" for space in (b" ", b"\n", b"\r", b"\t", b"\x0c", b"\x0b"))
_REFERENCE_BEFORE_R = re.compile(rb"(?<!\d)(\d+)\s+\d+\s+\Z")
_PYHANKO_PEEK = 20

Ref = tuple[int, int]


class SignatureAdditionPolicy(StandardDiffPolicy):
    """pyHanko's default policy, answering itself for a revision that only adds a signature."""

    def __init__(self) -> None:
        super().__init__(global_rules=DEFAULT_DIFF_POLICY.global_rules, form_rule=DEFAULT_DIFF_POLICY.form_rule)

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        if field_mdp_spec is None and doc_mdp is None:  # locked fields and certification: pyHanko's
            added = signature_fields_added(old, new)
            if added is not None:
                return DiffResult(modification_level=ModificationLevel.FORM_FILLING, changed_form_fields=added)
        return super().apply(old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)


SIGNATURE_ADDITION_POLICY = SignatureAdditionPolicy()


def signature_fields_added(old: HistoricalResolver, new: HistoricalResolver) -> set[str] | None:
    """The names of the signature fields `new` adds when that is all it does (see the module), else None."""
    try:
        return _Revision(old, new).fields_added()
    except Exception:  # anything unexpected in the file is for pyHanko's review to judge
        return None


def entry(dictionary: object, key: str) -> Any:
    """`dictionary[key]` followed to its object (pyHanko's `.get` would give the bare reference); None
    when either is missing."""
    return dictionary[key] if isinstance(dictionary, generic.DictionaryObject) and key in dictionary else None


def _ref(value: object) -> Ref | None:
    return (value.idnum, value.generation) if isinstance(value, generic.IndirectObject) else None


class _Revision:
    """One revision against the one before it."""

    def __init__(self, old: HistoricalResolver, new: HistoricalResolver) -> None:
        self.old = old
        self.new = new
        self.reader: PdfFileReader = new.reader
        self.old_size = self.reader.xrefs.get_xref_container_info(old.revision).size

    def fields_added(self) -> set[str] | None:
        if not self._plain_files() or not self._same_trailer():
            return None
        written = self.reader.xrefs.explicit_refs_in_revision(self.new.revision)
        existing = [ref for ref in written if not self.old.is_ref_unassignable(ref)]
        fields: list[Ref] = []
        annotations: list[Ref] = []
        for reference in existing:
            grown = self._grown(reference)
            if grown is None:
                return None
            key, added = grown
            (fields if key == "/Fields" else annotations).extend(added)
        if not fields or len(set(fields)) != len(fields) or not set(annotations) <= set(fields):
            return None
        names = self._signature_fields(fields)
        if names is None:
            return None
        if self._old_refers_beyond_its_size():
            return None
        return names

    def _plain_files(self) -> bool:
        xrefs = self.reader.xrefs
        return (
            not xrefs.hybrid_xrefs_present
            and self.reader.encrypt_dict is None
            and not xrefs.refs_freed_in_revision(self.new.revision)
        )

    def _same_trailer(self) -> bool:
        old, new = self.old.trailer_view, self.new.trailer_view
        return all(_ref(old.raw_get(key)) == _ref(new.raw_get(key)) for key in ("/Root", "/Info")) and (
            _ref(old.raw_get("/Root")) is not None
        )

    def _grown(self, reference: generic.Reference) -> tuple[str, list[Ref]] | None:
        """For an existing object the revision writes: ("", []) when it is unchanged or the document
        information, ("/Fields" or "/Annots", what was appended) when it is the AcroForm or a page that
        only grew there; None for any other change."""
        if _ref(self.new.trailer_view.raw_get("/Info")) == (reference.idnum, reference.generation):
            return "", []  # metadata only: nothing reads it as page content
        before, after = self.old(reference), self.new(reference)
        if _same(before, after):
            return "", []
        if not isinstance(before, generic.DictionaryObject) or not isinstance(after, generic.DictionaryObject):
            return None
        if isinstance(before, generic.StreamObject) or isinstance(after, generic.StreamObject):
            return None
        if self._is_acroform(reference):
            return _appended(before, after, "/Fields", also_changed={"/SigFlags"})
        if before.get("/Type") == "/Page" and after.get("/Type") == "/Page":
            return _appended(before, after, "/Annots", also_changed=set())
        return None

    def _is_acroform(self, reference: generic.Reference) -> bool:
        catalog = self.new(self.new.root_ref)
        return isinstance(catalog, generic.DictionaryObject) and _ref(catalog.raw_get("/AcroForm")) == (
            reference.idnum,
            reference.generation,
        )

    def _signature_fields(self, fields: list[Ref]) -> set[str] | None:
        """Their names when every added field is a new signature field that is its own widget, filled
        with a signature (pyHanko ranks a document timestamp lower, as an LTA update)."""
        taken = self._old_field_names()
        names: set[str] = set()
        for idnum, generation in fields:
            if idnum < self.old_size:
                return None
            field = self.new(generic.Reference(idnum, generation))
            if not isinstance(field, generic.DictionaryObject) or isinstance(field, generic.StreamObject):
                return None
            name = field.get("/T")
            if (
                field.get("/FT") != "/Sig"
                or field.get("/Subtype") != "/Widget"
                or _ref(field.get("/V")) is None
                or entry(entry(field, "/V"), "/Type") != "/Sig"  # a document timestamp is an LTA update
                or "/Parent" in field
                or "/Kids" in field
                or not isinstance(name, generic.TextStringObject | generic.ByteStringObject)
                or str(name) in taken | names
            ):
                return None
            names.add(str(name))
        return names

    def _old_field_names(self) -> set[str]:
        top = entry(entry(self.old(self.old.root_ref), "/AcroForm"), "/Fields")
        if not isinstance(top, generic.ArrayObject):
            return set()
        names = (entry(top[index], "/T") for index in range(len(top)))
        return {str(name) for name in names if name is not None}

    def _old_refers_beyond_its_size(self) -> bool:
        """Whether the old revisions' bytes hold anything like a reference to an object number they lack."""
        return any(number >= self.old_size for chunk in self._old_bytes() for number in _referenced_numbers(chunk))

    def _old_bytes(self) -> Iterator[bytes]:
        """The file up to the end of the old revision's xref data, then its object streams decoded.

        Raises when an object of an old revision lies past that end (the file is not a plain
        sequence of appended revisions): the caller then leaves the revision to pyHanko.
        """
        xrefs = self.reader.xrefs
        end = xrefs.get_xref_container_info(self.old.revision).end_location
        streams: set[generic.Reference] = set()
        for revision in range(self.old.revision + 1):
            streams |= xrefs.object_streams_used_in(revision)  # type: ignore[no-untyped-call]
            for reference in xrefs.explicit_refs_in_revision(revision):
                location = xrefs.get_historical_ref(reference, revision)
                if isinstance(location, int) and location >= end:
                    raise ValueError(f"object {reference.idnum} of revision {revision} lies past its xref")
        stream = self.reader.stream
        position = stream.tell()
        try:
            stream.seek(0)
            yield stream.read(end)
        finally:
            stream.seek(position)
        for reference in streams:
            decoded = self.reader.get_object(reference, self.old.revision)  # type: ignore[no-untyped-call]
            if not isinstance(decoded, generic.StreamObject):
                raise ValueError(f"object stream {reference.idnum} is not a stream")
            yield decoded.data


def _referenced_numbers(data: bytes) -> Iterator[int]:
    """The object number of everything in `data` that pyHanko's parser could read as a reference."""
    for ending in _REFERENCE_ENDS:
        found = data.find(ending)
        while found >= 0:
            match = _REFERENCE_BEFORE_R.search(data, max(0, found - _PYHANKO_PEEK), found + 1)
            if match is not None:
                yield int(match.group(1))
            found = data.find(ending, found + 2)


def _appended(
    before: generic.DictionaryObject, after: generic.DictionaryObject, key: str, also_changed: set[str]
) -> tuple[str, list[Ref]] | None:
    """(key, the references a dictionary's direct array `key` gained at its end) when nothing else
    changed but the keys in `also_changed`; None otherwise."""
    others = (set(before) | set(after)) - {key} - also_changed
    if any(k not in before or k not in after or not _same(before.raw_get(k), after.raw_get(k)) for k in others):
        return None
    old_items, new_items = before.get(key, generic.ArrayObject()), after.get(key)  # direct arrays only
    if not isinstance(old_items, generic.ArrayObject) or not isinstance(new_items, generic.ArrayObject):
        return None
    if len(new_items) <= len(old_items) or not all(_same(a, b) for a, b in zip(old_items, new_items, strict=False)):
        return None
    added = [_ref(value) for value in list(new_items)[len(old_items) :]]
    references = [reference for reference in added if reference is not None]
    return (key, references) if len(references) == len(added) else None


def _same(before: object, after: object) -> bool:
    """Whether two PDF values are the same, references compared as references (not followed)."""
    if isinstance(before, generic.IndirectObject) or isinstance(after, generic.IndirectObject):
        return _ref(before) == _ref(after)
    if isinstance(before, generic.StreamObject) or isinstance(after, generic.StreamObject):
        if not (isinstance(before, generic.StreamObject) and isinstance(after, generic.StreamObject)):
            return False
        if before.encoded_data != after.encoded_data:
            return False
    if isinstance(before, generic.DictionaryObject) or isinstance(after, generic.DictionaryObject):
        return (
            isinstance(before, generic.DictionaryObject)
            and isinstance(after, generic.DictionaryObject)
            and before.keys() == after.keys()
            and all(_same(before.raw_get(key), after.raw_get(key)) for key in before)
        )
    if isinstance(before, generic.ArrayObject) or isinstance(after, generic.ArrayObject):
        return (
            isinstance(before, generic.ArrayObject)
            and isinstance(after, generic.ArrayObject)
            and len(before) == len(after)
            and all(_same(a, b) for a, b in zip(before, after, strict=True))
        )
    strings = (generic.TextStringObject, generic.ByteStringObject)
    if isinstance(before, strings) or isinstance(after, strings):
        return (
            isinstance(before, strings) and isinstance(after, strings) and before.original_bytes == after.original_bytes
        )
    return type(before) is type(after) and before == after
