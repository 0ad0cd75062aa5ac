"""The changes allowed after a signature, as pyHanko rules, and the commonest later revision recognised cheaply.

What may follow a signature (SECURITY.md states it for users): a later signature in a new field of
its own, with its widget, appearance and the tagging-structure entries that describe that widget;
document information and XMP metadata; a document timestamp and validation data. pyHanko's
standard policy (`StandardDiffPolicy`) judges that, with these differences, each an extension
point of pyHanko's rather than a patch:
- a new visible signature field is allowed after a certification too, as Adobe Reader and ISO
  32000 (DocMDP P=2 "filling in forms and signing") allow it (`SigFieldCreationRule`'s
  `allow_new_visible_after_certify`): the e-office services certify with P=2 and then stamp the
  organisation's signature, and the number and date, as separate signature widgets. Whether a
  revision stays within the certifier's P is decided from the level found (see
  `extractors.signatures`), so P=1 still forbids those signatures;
- `_WidgetTaggingRule`: in a tagged PDF, iText 7 describes each new widget in the structure tree:
  a new /Form element with an /OBJR to the widget, appended to an existing element's /K, the
  widget's /StructParent key in the /ParentTree, /ParentTreeNextKey raised. Exactly that, and
  nothing that touches an existing element's content, is allowed with the widget;
- `_UnusedNumbersFreedRule`: iText lists its own cross-reference stream's number as a free entry;
  freeing a number that no earlier revision used takes nothing away (pyHanko rejects every free
  entry; freeing an object that existed is still unexplained, hence refused);
- `_RewrittenAsBeforeRule`: an object written again with the value it had, its real numbers
  re-serialised at another precision (595.34997559 as 595.35), changes nothing a viewer shows.

`SignatureAdditionPolicy` first tries to prove cheaply that a revision is exactly "signatures were
added" in that sense; when it cannot, pyHanko's review with the rules above runs. pyHanko's review
reads every object of the signed revision to map the paths reaching each of them, once per
signature (tens of thousands of objects for a 20-page Word export signed four times: 18 s), while
the shortcut reads only what the revision wrote. `tests/test_revisions.py` proves that the answer
is pyHanko's where the shape holds, and that every attack of `samples/attacks.py` gives the same
signature facts with and without the shortcut.

The shape (all of it, between the revision before, "old", and the one reviewed, "new"):
- the trailer keeps its /Root and /Info; nothing is encrypted; the new revision is not hybrid; what
  it frees are numbers the old revision did not have;
- each object the new revision writes that already existed is unchanged (real numbers to 1/1000
  point), or is
    the catalog, with only /AcroForm (as below), /Extensions, /Version or /MarkInfo changed, or
      /Metadata pointing to a new, well-formed XMP stream,
    the AcroForm, with only /Fields grown at its end (and /SigFlags, /DA, /DR set),
    a page, with only /Annots grown at its end,
    the document information dictionary, or the catalog's XMP metadata stream, well-formed before
    and after (both metadata, which pyHanko's policy allows too), each referred to in the old
    revisions only as /Info or /Metadata, or
    a structure-tree entry describing the added widgets (`_WidgetTaggingRule`);
- what /Fields gained are new signature fields filled with a signature (not a document
  timestamp), each its own widget (/FT /Sig, no /Parent or /Kids), and what /Annots gained are
  among them;
- no object of the old revisions refers to an object number they did not have: a reference left
  dangling until a later revision defines its object would change what was signed without touching
  it (pyHanko finds it through the same path map). The bytes of the old revisions and their object
  streams are searched for such references; anything that looks like one sends the revision to
  pyHanko. Other new objects are then reachable only through the added fields and structure
  elements, or from nothing (orphans, which pyHanko's policy lets pass too).
The verdict is then the one pyHanko's policy gives: form filling, the added fields changed.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    DiffResult,
    FormUpdatingRule,
    GenericFieldModificationRule,
    MetadataUpdateRule,
    ModificationLevel,
    QualifiedWhitelistRule,
    ReferenceUpdate,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    SuspiciousModification,
    WhitelistRule,
)
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm

# A reference as pyHanko's parser recognises one (its INDIRECT_PATTERN "N G R" within the 20 bytes it
# peeks at before the R), matched in the bytes reversed: "R G N" starts with a literal, which the regex
# engine finds at memchr speed, where a pattern starting at N's digits is tried at every digit of
# signature hex and font data (3-4 times slower, as is finding " R" and looking back from each).
_REFERENCE_REVERSED = re.compile(rb"R\s+\d+\s+(\d+)(?!\d)")
_PYHANKO_PEEK = 20
# Writers re-serialise reals at their own precision; a thousandth of a point is far below anything
# a page shows (0.35 µm), and integers (keys, counts, flags) are still compared exactly.
_REAL_TOLERANCE = Decimal("0.001")
# Catalog entries pyHanko's CatalogModificationRule lets change besides /AcroForm, /DSS and /Metadata.
_CATALOG_FREE_KEYS = frozenset({"/Extensions", "/Version", "/MarkInfo"})
_ACROFORM_FREE_KEYS = frozenset({"/SigFlags", "/DA", "/DR"})
_STRUCT_ELEMENT_KEYS = frozenset({"/Type", "/S", "/P", "/K", "/Pg", "/Alt", "/T", "/ActualText", "/Lang", "/ID"})
_PARENT_TREE_NODES = 10_000  # bound on the nodes of a /ParentTree walked

Ref = tuple[int, int]


# --- the rules added to pyHanko's standard policy --------------------------------------------------


class _UnusedNumbersFreedRule(WhitelistRule):
    """Free entries for object numbers the old revision did not have (iText's own xref stream)."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        for reference in new.refs_freed_in_revision():  # type: ignore[no-untyped-call]
            if old.is_ref_unassignable(reference):
                yield ReferenceUpdate(reference)


class _RewrittenAsBeforeRule(WhitelistRule):
    """Existing objects (not streams) written again with the value they had in the revision just
    before `new`, up to the precision of reals.

    The revision before is the one compared, not `old` (the signed one): pyHanko reviews every
    revision after the signed one against it, so whatever that value changed since `old` was
    already judged when the revision that wrote it was; writing it again changes nothing more.
    """

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        previous = new.reader.get_historical_resolver(new.revision - 1)
        for reference in new.explicit_refs_in_revision():  # type: ignore[no-untyped-call]
            if old.is_ref_unassignable(reference):
                continue
            before, after = previous(reference), new(reference)
            if not isinstance(after, generic.StreamObject) and _same(before, after):
                yield ReferenceUpdate(reference)  # no context: the value is the same on every path


class _WidgetTaggingRule(QualifiedWhitelistRule):
    """The structure-tree entries describing the new signature widgets (see `_TagTree`)."""

    def apply_qualified(
        self, old: HistoricalResolver, new: HistoricalResolver
    ) -> Iterable[tuple[ModificationLevel, ReferenceUpdate]]:
        try:
            explained = _TagTree(old, new).explained()
        except Exception:  # a damaged tree explains nothing; what the revision wrote stays unexplained
            explained = None
        for reference in explained or ():
            # Blanket approval: an element is reached from its parent's /K, its children's /P and
            # the /ParentTree; `_TagTree` checked the whole change, whichever path leads to it.
            yield ModificationLevel.FORM_FILLING, ReferenceUpdate(reference)


ALLOWED_CHANGES_POLICY = StandardDiffPolicy(
    global_rules=[
        *DEFAULT_DIFF_POLICY.global_rules,
        _UnusedNumbersFreedRule().as_qualified(ModificationLevel.LTA_UPDATES),
        _RewrittenAsBeforeRule().as_qualified(ModificationLevel.LTA_UPDATES),
        _WidgetTaggingRule(),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[
            SigFieldCreationRule(allow_new_visible_after_certify=True),  # type: ignore[no-untyped-call]
            SigFieldModificationRule(),
            GenericFieldModificationRule(),
        ],
    ),
    # Every free entry is a change to explain: `_UnusedNumbersFreedRule` explains the harmless
    # ones, and freeing an object that existed stays unexplained, hence suspicious.
    reject_object_freeing=False,
)
"""pyHanko's standard policy with the changes above allowed: the review the shortcut stands in for."""


class SignatureAdditionPolicy(StandardDiffPolicy):
    """`ALLOWED_CHANGES_POLICY`, answering itself for a revision that only adds signatures."""

    def __init__(self) -> None:
        super().__init__(
            global_rules=ALLOWED_CHANGES_POLICY.global_rules,
            form_rule=ALLOWED_CHANGES_POLICY.form_rule,
            reject_object_freeing=ALLOWED_CHANGES_POLICY.reject_object_freeing,
        )

    def apply(
        self,
        old: HistoricalResolver,
        new: HistoricalResolver,
        field_mdp_spec: FieldMDPSpec | None = None,
        doc_mdp: MDPPerm | None = None,
    ) -> DiffResult:
        # A certification does not change the answer: new signature fields are allowed after one
        # (the level found is then compared with its permission). Locked fields are pyHanko's.
        if field_mdp_spec is None:
            verdict = shortcut_verdict(old, new)
            if verdict is not None:
                return verdict
        return super().apply(old, new, field_mdp_spec=field_mdp_spec, doc_mdp=doc_mdp)


SIGNATURE_ADDITION_POLICY = SignatureAdditionPolicy()


def shortcut_verdict(old: HistoricalResolver, new: HistoricalResolver) -> DiffResult | None:
    """pyHanko's verdict on `new` when the shape of the module holds: form filling with the names of
    the signature fields it adds, or LTA updates when it adds none and writes again only what was
    there (metadata aside); None when the shape does not hold."""
    try:
        return _Revision(old, new).verdict()
    except Exception:  # anything unexpected in the file is for pyHanko's review to judge
        return None


def entry(dictionary: object, key: str) -> Any:
    """`dictionary[key]` followed to its object (pyHanko's `.get` would give the bare reference); None
    when either is missing."""
    return dictionary[key] if isinstance(dictionary, generic.DictionaryObject) and key in dictionary else None


def _ref(value: object) -> Ref | None:
    if isinstance(value, generic.IndirectObject):
        return value.idnum, value.generation
    if isinstance(value, generic.Reference):
        return value.idnum, value.generation
    return None


# --- the tagging of new widgets ----------------------------------------------------------------------


class _TagTree:
    """The structure-tree changes of `new` that describe new signature widgets, and only those.

    Allowed (ISO 32000-1 14.7.4.4, as iText 7 writes it): new structure elements whose /K holds only
    object references (/OBJR) to new signature widgets, appended at the end of an existing element's
    /K (or of the root's); the widgets' /StructParent keys appended to the /ParentTree, each mapped
    to the element that refers to that widget; the root's /ParentTreeNextKey raised. Any other change
    of the root, an element or the parent tree (an element's content rewired, a key reused) is not.
    "New" is against `old`, the signed revision: elements and widgets an earlier later revision
    added were judged when that revision was reviewed against the same `old`.
    """

    def __init__(self, old: HistoricalResolver, new: HistoricalResolver) -> None:
        self.old, self.new = old, new
        self.old_size = new.reader.xrefs.get_xref_container_info(old.revision).size
        written = new.explicit_refs_in_revision()  # type: ignore[no-untyped-call]
        self.created = {(r.idnum, r.generation): r for r in written if old.is_ref_unassignable(r)}
        self.rewritten = {(r.idnum, r.generation): r for r in written if not old.is_ref_unassignable(r)}

    def explained(self) -> set[generic.Reference] | None:
        """The references written to tag new widgets; None when the tree changed in any other way."""
        tree = _ref(_raw(self.old(self.old.root_ref), "/StructTreeRoot"))
        if tree is None or tree != _ref(_raw(self.new(self.new.root_ref), "/StructTreeRoot")):
            return None
        elements = {ref for ref in self.created if self._is_widget_element(ref)}
        if not elements:
            return None
        explained: set[Ref] = set(elements)
        for parent in {_ref(self._get(ref).raw_get("/P")) for ref in elements}:
            if parent is None or parent[0] >= self.old_size:
                return None
            grown = self._appended_elements(parent, tree)
            if grown is None:
                return None
            explained |= grown
        parent_tree = self._parent_tree(tree)
        if parent_tree is None:
            return None
        explained |= parent_tree
        if tree in self.rewritten and tree not in explained:
            if not self._root_changes_only_next_key(tree):
                return None
            explained.add(tree)
        lookup = self.created | self.rewritten
        return {lookup[ref] for ref in explained if ref in lookup}

    def _get(self, ref: Ref) -> Any:
        return self.new(generic.Reference(*ref))

    def _is_widget_element(self, ref: Ref | None) -> bool:
        """A structure element that is new against `old` and refers only to new signature widgets."""
        if ref is None or ref[0] < self.old_size:
            return False
        element = self._get(ref)
        if not isinstance(element, generic.DictionaryObject) or isinstance(element, generic.StreamObject):
            return False
        if element.get("/Type", "/StructElem") != "/StructElem" or "/S" not in element or "/P" not in element:
            return False
        if not set(element) <= _STRUCT_ELEMENT_KEYS:
            return False
        widgets = self._widgets_of(element)
        return widgets is not None and bool(widgets)

    def _widgets_of(self, element: generic.DictionaryObject) -> list[generic.DictionaryObject] | None:
        """The new signature widgets an element's /K refers to; None when it holds anything else."""
        widgets = []
        for item in _as_list(_raw(element, "/K")):
            objr = item
            if isinstance(item, generic.IndirectObject):
                if item.idnum < self.old_size:
                    return None
                objr = self.new(item.reference)
            if not isinstance(objr, generic.DictionaryObject) or objr.get("/Type") != "/OBJR":
                return None
            target = _ref(_raw(objr, "/Obj"))
            if not set(objr) <= {"/Type", "/Obj", "/Pg"} or target is None or target[0] < self.old_size:
                return None
            widget = self._get(target)
            if not isinstance(widget, generic.DictionaryObject) or widget.get("/Subtype") != "/Widget":
                return None
            field = widget if "/FT" in widget else entry(widget, "/Parent")
            if not isinstance(field, generic.DictionaryObject) or field.get("/FT") != "/Sig":
                return None
            widgets.append(widget)
        return widgets

    def _appended_elements(self, parent: Ref, tree: Ref) -> set[Ref] | None:
        """The parent (and its /K array object) when its /K only gained new widget elements at its end."""
        reference = self.rewritten.get(parent)
        if reference is None:
            return None  # the element was appended to a parent the revision did not change
        before, after = self.old(reference), self.new(reference)
        if not isinstance(before, generic.DictionaryObject) or not isinstance(after, generic.DictionaryObject):
            return None
        free = {"/K", "/ParentTreeNextKey"} if parent == tree else {"/K"}
        if not _same_except(before, after, free):
            return None
        if parent == tree and not _next_key_raised(before, after):
            return None
        touched: set[Ref] = {parent}
        old_kids, new_kids = _raw(before, "/K"), _raw(after, "/K")
        array_ref = _ref(new_kids)
        if array_ref is not None and array_ref == _ref(old_kids) and array_ref in self.rewritten:
            old_kids, new_kids = self.old(self.rewritten[array_ref]), self.new(self.rewritten[array_ref])
            touched.add(array_ref)
        added = _grown_array(_as_list(old_kids), new_kids)
        if not added or not all(self._is_widget_element(_ref(item)) for item in added):
            return None
        return touched

    def _root_changes_only_next_key(self, tree: Ref) -> bool:
        before, after = self.old(self.rewritten[tree]), self.new(self.rewritten[tree])
        return (
            isinstance(before, generic.DictionaryObject)
            and isinstance(after, generic.DictionaryObject)
            and _same_except(before, after, {"/ParentTreeNextKey"})
            and _next_key_raised(before, after)
        )

    def _parent_tree(self, tree: Ref) -> set[Ref] | None:
        """The /ParentTree nodes the revision wrote, when they only gained entries for new widgets."""
        start = _raw(self._get(tree), "/ParentTree")
        if tree in self.rewritten and not _same(_raw(self.old(self.rewritten[tree]), "/ParentTree"), start):
            return None  # a parent tree replaced, not grown
        touched: set[Ref] = set()
        stack = [] if start is None else [start]
        seen = 0
        while stack:
            node_ref = _ref(stack.pop())
            seen += 1
            if seen > _PARENT_TREE_NODES:
                return None
            if node_ref is None:
                continue  # a direct node is part of its (checked) parent
            if node_ref[0] >= self.old_size:
                node = self._get(node_ref)
                if not self._new_leaf(node):
                    return None
                touched.add(node_ref)
                continue
            if node_ref not in self.rewritten:
                continue  # not written by this revision
            before, after = self.old(self.rewritten[node_ref]), self.new(self.rewritten[node_ref])
            if not isinstance(before, generic.DictionaryObject) or not isinstance(after, generic.DictionaryObject):
                return None
            if not _same_except(before, after, {"/Nums", "/Kids", "/Limits"}):
                return None
            numbers = _grown_array(_as_list(_raw(before, "/Nums")), _raw(after, "/Nums") or generic.ArrayObject())
            kids = _grown_array(_as_list(_raw(before, "/Kids")), _raw(after, "/Kids") or generic.ArrayObject())
            if numbers is None or kids is None or not self._pairs_for_widgets(numbers):
                return None
            stack.extend(kids)
            touched.add(node_ref)
        return touched

    def _pairs_for_widgets(self, items: list[Any]) -> bool:
        """Whether /Nums entries map each key to a new element whose widget has that /StructParent."""
        if len(items) % 2:
            return False
        for key, value in zip(items[::2], items[1::2], strict=True):
            element_ref = _ref(value)
            if not isinstance(key, int) or not self._is_widget_element(element_ref):
                return False
            widgets = self._widgets_of(self._get(element_ref)) or []  # type: ignore[arg-type]
            if not any(widget.get("/StructParent") == key for widget in widgets):
                return False
        return True

    def _new_leaf(self, node: object) -> bool:
        return (
            isinstance(node, generic.DictionaryObject)
            and set(node) <= {"/Nums", "/Limits"}
            and isinstance(node.get("/Nums"), generic.ArrayObject)
            and self._pairs_for_widgets(list(node.raw_get("/Nums")))
        )


def _next_key_raised(before: generic.DictionaryObject, after: generic.DictionaryObject) -> bool:
    """Whether a structure tree root's /ParentTreeNextKey stayed absent or grew."""
    old_key, new_key = before.get("/ParentTreeNextKey"), after.get("/ParentTreeNextKey")
    if old_key is None and new_key is None:
        return True
    return isinstance(new_key, int) and (old_key is None or (isinstance(old_key, int) and new_key >= old_key))


def _raw(dictionary: object, key: str) -> Any:
    """`dictionary`'s value for `key` as written (a reference is not followed); None when absent."""
    return dictionary.raw_get(key) if isinstance(dictionary, generic.DictionaryObject) and key in dictionary else None


def _as_list(value: object) -> list[Any]:
    """A /K value as a list: an array's items, a single kid, or nothing."""
    if value is None:
        return []
    return list(value) if isinstance(value, generic.ArrayObject) else [value]


def _grown_array(before: list[Any], after: object) -> list[Any] | None:
    """What a direct array gained after the items `before` (maybe nothing); None for any other change."""
    if not isinstance(after, generic.ArrayObject) or len(after) < len(before):
        return None
    if not all(_same(a, b) for a, b in zip(before, after, strict=False)):
        return None
    return list(after)[len(before) :]


# --- the shortcut ---------------------------------------------------------------------------------------


class _Revision:
    """One revision (`new`) against the signed one (`old`), as pyHanko's review compares them."""

    def __init__(self, old: HistoricalResolver, new: HistoricalResolver) -> None:
        self.old = old
        self.new = new
        self.reader: PdfFileReader = new.reader
        self.old_size = self.reader.xrefs.get_xref_container_info(old.revision).size
        # Object number → the only key it may be referred to by in the old revisions (metadata).
        self.keyed: dict[int, bytes] = {}

    def verdict(self) -> DiffResult | None:
        if not self._plain_revision() or not self._same_trailer():
            return None
        written = self.reader.xrefs.explicit_refs_in_revision(self.new.revision)
        existing = [ref for ref in written if not self.old.is_ref_unassignable(ref)]
        bookkeeping = self._bookkeeping()
        if all(ref in bookkeeping for ref in written if ref not in existing):
            # Nothing new but cross-reference data: a revision that only writes again what was there.
            unchanged = all(self._grown(reference) == ("", []) for reference in existing)
            if not unchanged or self._old_references_forbid():
                return None
            return DiffResult(modification_level=ModificationLevel.LTA_UPDATES, changed_form_fields=set())
        names = self._fields_added(existing)
        if names is None:
            return None
        return DiffResult(modification_level=ModificationLevel.FORM_FILLING, changed_form_fields=names)

    def _fields_added(self, existing: list[generic.Reference]) -> set[str] | None:
        fields: list[Ref] = []
        annotations: list[Ref] = []
        others: set[Ref] = set()
        for reference in existing:
            grown = self._grown(reference)
            if grown is None:
                others.add((reference.idnum, reference.generation))
                continue
            key, added = grown
            (fields if key == "/Fields" else annotations).extend(added)
        if not fields or len(set(fields)) != len(fields) or not set(annotations) <= set(fields):
            return None
        names = self._signature_fields(fields)
        if names is None:
            return None
        if others:
            tagging = _TagTree(self.old, self.new).explained()
            if tagging is None or not others <= {(ref.idnum, ref.generation) for ref in tagging}:
                return None
        if self._old_references_forbid():
            return None
        return names

    def _bookkeeping(self) -> set[generic.Reference]:
        """The new revision's own cross-reference stream, object streams and freed numbers."""
        xrefs = self.reader.xrefs
        found = set(xrefs.object_streams_used_in(self.new.revision))  # type: ignore[no-untyped-call]
        found |= xrefs.refs_freed_in_revision(self.new.revision)
        stream = xrefs.get_xref_container_info(self.new.revision).stream_ref
        return found | ({stream} if stream is not None else set())

    def _plain_revision(self) -> bool:
        xrefs = self.reader.xrefs
        return (
            xrefs.get_xref_data(self.new.revision).hybrid is None
            and self.reader.encrypt_dict is None
            and all(self.old.is_ref_unassignable(ref) for ref in xrefs.refs_freed_in_revision(self.new.revision))
        )

    def _same_trailer(self) -> bool:
        old, new = self.old.trailer_view, self.new.trailer_view
        return all(_ref(old.raw_get(key)) == _ref(new.raw_get(key)) for key in ("/Root", "/Info")) and (
            _ref(old.raw_get("/Root")) is not None
        )

    def _grown(self, reference: generic.Reference) -> tuple[str, list[Ref]] | None:
        """For an existing object the revision writes: ("", []) when it is unchanged or metadata,
        ("/Fields" or "/Annots", what was appended) when it is the catalog, the AcroForm or a page
        that only grew there; None for any other change."""
        before, after = self.old(reference), self.new(reference)
        previous = self.reader.get_historical_resolver(self.new.revision - 1)(reference)
        if not isinstance(after, generic.StreamObject) and _same(previous, after):
            return "", []  # as the revision before had it: already judged (`_RewrittenAsBeforeRule`)
        if _ref(self.new.trailer_view.raw_get("/Info")) == (reference.idnum, reference.generation):
            self.keyed[reference.idnum] = b"Info"  # metadata, as long as nothing else reads it
            return "", []
        if self._is_metadata(reference):
            self.keyed[reference.idnum] = b"Metadata"
            return "", []
        if not isinstance(before, generic.DictionaryObject) or not isinstance(after, generic.DictionaryObject):
            return None
        if isinstance(before, generic.StreamObject) or isinstance(after, generic.StreamObject):
            return None
        if reference == self.new.root_ref:
            return self._catalog_grown(before, after)
        if self._is_acroform(reference):
            return _appended(before, after, "/Fields", also_changed=set(_ACROFORM_FREE_KEYS))
        if before.get("/Type") == "/Page" and after.get("/Type") == "/Page":
            return _appended(before, after, "/Annots", also_changed=set())
        return None

    def _catalog_grown(
        self, before: generic.DictionaryObject, after: generic.DictionaryObject
    ) -> tuple[str, list[Ref]] | None:
        """The catalog: the keys pyHanko lets change may change (direct values only), and a direct
        /AcroForm may only grow its /Fields."""
        if not _same_except(before, after, _CATALOG_FREE_KEYS | {"/AcroForm", "/Metadata"}):
            return None
        metadata = _raw(after, "/Metadata")
        if not _same(_raw(before, "/Metadata"), metadata) and not self._is_new_metadata(metadata):
            return None
        for key in _CATALOG_FREE_KEYS:
            value = after.raw_get(key) if key in after else None
            if isinstance(value, generic.IndirectObject) and not _same(_raw(before, key), value):
                return None
        old_form = before.raw_get("/AcroForm") if "/AcroForm" in before else None
        new_form = after.raw_get("/AcroForm") if "/AcroForm" in after else None
        if _same(old_form, new_form):
            return "", []
        if not isinstance(old_form, generic.DictionaryObject) or not isinstance(new_form, generic.DictionaryObject):
            return None  # an indirect AcroForm changes as an object of its own
        return _appended(old_form, new_form, "/Fields", also_changed=set(_ACROFORM_FREE_KEYS))

    def _is_acroform(self, reference: generic.Reference) -> bool:
        catalog = self.new(self.new.root_ref)
        return isinstance(catalog, generic.DictionaryObject) and _ref(catalog.raw_get("/AcroForm")) == (
            reference.idnum,
            reference.generation,
        )

    def _is_new_metadata(self, value: object) -> bool:
        """A metadata stream the new revision creates, well-formed XMP (pyHanko's rule allows it too)."""
        reference = _ref(value)
        if reference is None or reference[0] < self.old_size:
            return False
        try:
            MetadataUpdateRule.is_well_formed_xml(generic.Reference(*reference, pdf=self.new))
        except SuspiciousModification:
            return False
        return True

    def _is_metadata(self, reference: generic.Reference) -> bool:
        """The catalog's XMP metadata stream, the same object before and after, well-formed XMP both times."""
        target = (reference.idnum, reference.generation)
        for resolver in (self.old, self.new):
            catalog = resolver(resolver.root_ref)
            if not isinstance(catalog, generic.DictionaryObject) or "/Metadata" not in catalog:
                return False
            if _ref(catalog.raw_get("/Metadata")) != target:
                return False
        try:
            for resolver in (self.old, self.new):
                MetadataUpdateRule.is_well_formed_xml(
                    generic.Reference(reference.idnum, reference.generation, pdf=resolver)
                )
        except SuspiciousModification:
            return False
        return True

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

    def _old_references_forbid(self) -> bool:
        """Whether the old revisions' bytes hold anything like a reference to an object number they
        lack, or to a rewritten metadata object under any other key than its own (a stream read as
        page content would then change with the "metadata")."""
        scan = _scanned(self.reader, self.old.revision)
        if scan is None or scan.largest >= self.old_size:
            return True
        return any(scan.names_before(number) - {expected} for number, expected in self.keyed.items())


@dataclass(frozen=True)
class _Scan:
    """What the bytes of a file's revisions up to one of them refer to, as pyHanko could read it."""

    end: int  # the bytes scanned, from the start of the file
    largest: int  # the largest object number referred to
    keys: dict[int, set[bytes | None]]  # object number → the names just before its references, in these bytes
    before: _Scan | None  # the scan of the revisions before, which these bytes add to

    def names_before(self, number: int) -> set[bytes | None]:
        """The names just before the references to object `number` anywhere in the scanned bytes."""
        names: set[bytes | None] = set()
        scan: _Scan | None = self
        while scan is not None:
            names |= scan.keys.get(number, set())
            scan = scan.before
        return names


# Every signature's review compares the revisions after it with its own, so the same revisions are
# scanned for each signature of a file: each revision's scan starts from the one before it instead.
_SCANS: weakref.WeakKeyDictionary[PdfFileReader, dict[int, _Scan | None]] = weakref.WeakKeyDictionary()
_OVERLAP = 64  # bytes scanned again before a revision's new bytes, so no reference is cut in two


def _scanned(reader: PdfFileReader, revision: int) -> _Scan | None:
    """The scan of the file up to the end of `revision`'s xref data and of the object streams of the
    revisions up to it; None when an object of those revisions lies past that end (the file is not
    a plain sequence of appended revisions: the caller then leaves the revision to pyHanko)."""
    scans = _SCANS.setdefault(reader, {})
    for number in range(revision + 1):
        if number not in scans:
            try:
                scans[number] = _scan_revision(reader, number, scans.get(number - 1))
            except ValueError:
                scans[number] = None
        if scans[number] is None:
            return None
    return scans[revision]


def _scan_revision(reader: PdfFileReader, revision: int, before: _Scan | None) -> _Scan | None:
    xrefs = reader.xrefs
    end = xrefs.get_xref_container_info(revision).end_location
    for reference in xrefs.explicit_refs_in_revision(revision):
        location = xrefs.get_historical_ref(reference, revision)
        if isinstance(location, int) and location >= end:
            raise ValueError(f"object {reference.idnum} of revision {revision} lies past its xref")
    if before is None or before.end > end:  # the first revision, or one written before the last (linearised)
        before, start, revisions = None, 0, range(revision + 1)
    else:
        start, revisions = max(0, before.end - _OVERLAP), range(revision, revision + 1)
    streams: set[generic.Reference] = set()
    for number in revisions:
        streams |= xrefs.object_streams_used_in(number)  # type: ignore[no-untyped-call]
        hybrid = xrefs.get_xref_data(number).hybrid
        if hybrid is not None:  # a hybrid file's stream section has object streams of its own
            streams |= {generic.Reference(stream) for stream in hybrid.xref_data.obj_streams_used}
    stream = reader.stream
    position = stream.tell()
    try:
        stream.seek(start)
        chunks = [stream.read(end - start)]
    finally:
        stream.seek(position)
    for reference in streams:
        decoded = reader.get_object(reference, revision)  # type: ignore[no-untyped-call]
        if not isinstance(decoded, generic.StreamObject):
            raise ValueError(f"object stream {reference.idnum} is not a stream")
        chunks.append(decoded.data)
    largest = before.largest if before is not None else -1
    keys: dict[int, set[bytes | None]] = {}
    for chunk in chunks:
        for number, key in _references(chunk):
            largest = max(largest, number)
            keys.setdefault(number, set()).add(key)
    return _Scan(end, largest, keys, before)


def _references(data: bytes) -> Iterator[tuple[int, bytes | None]]:
    """(object number, the name just before it or None) of everything in `data` that pyHanko's
    parser could read as a reference."""
    size = len(data)
    for match in _REFERENCE_REVERSED.finditer(data[::-1]):
        if match.end() - match.start() > _PYHANKO_PEEK + 2:  # past the peek, with the R and the space before it
            continue
        start = size - match.end()  # where N starts in `data`
        head = data[max(0, start - _OVERLAP) : start].rstrip(PDF_WHITESPACE)
        slash = head.rfind(b"/")
        # Compared with "Info" and "Metadata" only: anything else there is simply another key.
        yield int(match.group(1)[::-1]), head[slash + 1 :] if slash >= 0 else None


def _appended(
    before: generic.DictionaryObject, after: generic.DictionaryObject, key: str, also_changed: set[str]
) -> tuple[str, list[Ref]] | None:
    """(key, the references a dictionary's direct array `key` gained at its end) when nothing else
    changed but the keys in `also_changed`; None otherwise."""
    if not _same_except(before, after, also_changed | {key}):
        return None
    old_items, new_items = before.get(key, generic.ArrayObject()), after.get(key)  # direct arrays only
    if not isinstance(old_items, generic.ArrayObject) or not isinstance(new_items, generic.ArrayObject):
        return None
    if len(new_items) <= len(old_items) or not all(_same(a, b) for a, b in zip(old_items, new_items, strict=False)):
        return None
    added = [_ref(value) for value in list(new_items)[len(old_items) :]]
    references = [reference for reference in added if reference is not None]
    return (key, references) if len(references) == len(added) else None


def _same_except(before: generic.DictionaryObject, after: generic.DictionaryObject, free: Iterable[str]) -> bool:
    """Whether two dictionaries have the same keys and values, the keys in `free` aside."""
    others = (set(before) | set(after)) - set(free)
    return all(k in before and k in after and _same(before.raw_get(k), after.raw_get(k)) for k in others)


def _same(before: object, after: object) -> bool:
    """Whether two PDF values are the same, references compared as references (not followed) and
    reals to a thousandth."""
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
    numbers = (generic.NumberObject, generic.FloatObject)
    reals = isinstance(before, generic.FloatObject) or isinstance(after, generic.FloatObject)
    if reals and isinstance(before, numbers) and isinstance(after, numbers):
        return abs(Decimal(before) - Decimal(after)) <= _REAL_TOLERANCE
    return type(before) is type(after) and before == after
