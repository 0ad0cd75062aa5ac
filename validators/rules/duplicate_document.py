"""Rule `duplicate-document`: the same document submitted more than once in a unit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from kiemchung.validators.format import quoted, vn_date
from kiemchung.validators.identity import Pair, Relation, intact_signed, related_pairs
from kiemchung.validators.model import (
    PASSED,
    DocumentSetRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    SubmittedDocument,
    Verdict,
)
from kiemchung.validators.scans import believed_header, is_scan

_CERTAIN = (Relation.SAME_CONTENT, Relation.PAPER_COPY, Relation.SAME_DOCUMENT)  # strongest first


class DuplicateDocument(DocumentSetRule):
    """The same document is submitted more than once.

    What it checks: whether a file repeats another file of the unit's submission — the same bytes
    (same SHA-256); or the same issuer, number, symbol and date with no other header field
    differing; or a scan of paper with no valid digital signature of a signed original with the
    same number, symbol and date. Numbers compare without leading zeros (`05` is `5`), symbols and
    issuers without case or diacritics, `UBND` spelled out. Of each group of copies the signed
    born-digital file is the one to keep (then the first by path); every other copy gets the
    finding, naming the one to keep — so the finding sits on the file to remove and the kept
    file's criterion reads clean. When nothing read differs but the issuer or the full date of one
    copy could not be read, the finding is indeterminate.

    Why it matters: the council checks every file by hand; a second copy costs it time, makes a
    criterion look better supported than it is, and a scanned paper copy beside the signed
    original invites judging the wrong one. One file is enough: the signed electronic original.
    The score does not change.

    Example: `1.1/KH 11.pdf` and `1.2/Kế hoạch CCHC.pdf`, both `Số: 11/KH-UBND` of 30/01/2023
    from ỦY BAN NHÂN DÂN XÃ CAO AN with the same subject: `1.2/Kế hoạch CCHC.pdf` is reported as a
    copy of `1.1/KH 11.pdf`. `05/KH-UBND` and `5/KH-UBND` of the same day and body are one
    document; `11/KH-UBND` and `11/BC-UBND` are two.
    """

    code = "KC501"
    name = "duplicate-document"
    title = "Tài liệu nộp trùng"
    action = (
        "Giữ văn bản ở tiêu chí nó chứng minh; dùng cho nhiều tiêu chí thì nêu rõ trong giải trình của từng "
        "tiêu chí."
    )
    action_en = (
        "Keep the document under the criterion it proves; if it serves several, say so in each criterion's "
        "explanation."
    )
    guide = """Kiểm tra gì: một tệp có lặp lại một tệp khác trong hồ sơ của đơn vị hay không — trùng từng byte (cùng
    SHA-256); hoặc cùng cơ quan ban hành, số, ký hiệu và ngày mà không thông tin nào khác ở phần đầu văn bản khác
    nhau; hoặc là bản scan văn bản giấy không có chữ ký số hợp lệ của một bản gốc đã ký số có cùng số, ký hiệu và
    ngày. Số được so sánh không kể các số 0 ở đầu (`05` là `5`), ký hiệu và tên cơ quan ban hành được so sánh không
    phân biệt chữ hoa, chữ thường và dấu, `UBND` được viết đầy đủ. Trong mỗi nhóm bản trùng, tệp cần giữ là bản điện
    tử gốc có ký số (nếu như nhau thì là tệp có đường dẫn đứng trước); mọi bản còn lại nhận phát hiện, có nêu tên
    tệp cần giữ — nhờ vậy phát hiện nằm ở tệp cần bỏ và tiêu chí của tệp được giữ không có phát hiện nào. Khi mọi
    thông tin đọc được đều giống nhau nhưng không đọc được cơ quan ban hành hoặc ngày đầy đủ của một bản, kết quả là
    “chưa xác định được”.

    Vì sao quan trọng: Hội đồng thẩm định kiểm tra từng tệp bằng tay; bản thứ hai làm mất thời gian, làm tiêu chí
    trông như có nhiều minh chứng hơn thực tế, và bản scan giấy nằm cạnh bản gốc có ký số dễ dẫn tới đánh giá nhầm
    bản. Một tệp là đủ: bản điện tử gốc có ký số. Điểm không thay đổi.

    Ví dụ: `1.1/KH 11.pdf` và `1.2/Kế hoạch CCHC.pdf`, cả hai đều là `Số: 11/KH-UBND` ngày 30/01/2023 của ỦY BAN
    NHÂN DÂN XÃ CAO AN với cùng trích yếu: `1.2/Kế hoạch CCHC.pdf` được báo là bản trùng của `1.1/KH 11.pdf`.
    `05/KH-UBND` và `5/KH-UBND` cùng ngày, cùng cơ quan là một văn bản; `11/KH-UBND` và `11/BC-UBND` là hai văn bản.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, documents: Sequence[SubmittedDocument], context: RuleContext) -> tuple[Verdict, ...]:
        pairs = related_pairs([document.facts for document in documents])
        by_document: dict[int, list[Pair]] = {}
        for pair in pairs:
            by_document.setdefault(pair.first, []).append(pair)
            by_document.setdefault(pair.second, []).append(pair)
        order = sorted(range(len(documents)), key=lambda index: _keep_key(documents[index]))
        rank = {index: position for position, index in enumerate(order)}
        group_of = _groups(len(documents), [pair for pair in pairs if pair.relation in _CERTAIN])
        groups: dict[int, list[int]] = {}
        for index in order:  # each group in keeping order: the copy to keep first
            groups.setdefault(group_of[index], []).append(index)
        verdicts: list[Verdict] = [PASSED] * len(documents)
        for group in groups.values():
            for index in group[1:]:
                verdicts[index] = _copy(index, group, by_document[index], documents)
        maybe: dict[int, list[Pair]] = {}
        for pair in pairs:
            if pair.relation is Relation.MAYBE_SAME_DOCUMENT and group_of[pair.first] != group_of[pair.second]:
                later = max(pair.first, pair.second, key=rank.__getitem__)
                if verdicts[later].outcome is not Outcome.FAILED:
                    maybe.setdefault(later, []).append(pair)
        for index, found in maybe.items():
            verdicts[index] = _possible_copy(index, found, documents)
        return tuple(verdicts)


def _keep_key(document: SubmittedDocument) -> tuple[bool, bool, str, str]:
    """The copy to keep first: signed born-digital, then not a scan, then by path without its extension.

    Without the extension "Ảnh.pdf" comes before the copy a file manager names "Ảnh (1).pdf".
    """
    scan = is_scan(document.facts)
    stem = str(PurePosixPath(document.path).with_suffix(""))
    return (not (intact_signed(document.facts) and not scan), scan, stem, document.path)


def _groups(count: int, pairs: Sequence[Pair]) -> list[int]:
    """Each index's group representative, joining every pair (union-find)."""
    parent = list(range(count))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for pair in pairs:
        parent[root(pair.second)] = root(pair.first)
    return [root(index) for index in range(count)]


def _number(document: SubmittedDocument) -> str:
    """The document's number as read, date included: “Số: 11/KH-UBND” ngày 30/01/2023."""
    header = believed_header(document.facts)
    number = quoted(header.number.raw) if header.number is not None else "?"
    issued = header.date.value.as_date() if header.date is not None else None
    return f"{number} ngày {vn_date(issued)}" if issued else number


def _copy(index: int, group: Sequence[int], pairs: Sequence[Pair], documents: Sequence[SubmittedDocument]) -> Verdict:
    """A failed verdict for a copy: how it repeats its closest relative in `group` (copy to keep first)."""
    ties = [pair for pair in pairs if pair.relation in _CERTAIN and pair.other(index) in group]
    # Say how it repeats the file to keep when it does; else its strongest tie to another copy.
    pair = min(ties, key=lambda p: (group.index(p.other(index)), _CERTAIN.index(p.relation)))
    partner, this, kept = documents[pair.other(index)], documents[index], documents[group[0]]
    if pair.relation is Relation.SAME_CONTENT:
        what = f"Tệp này giống hệt tệp {quoted(partner.path)} (cùng mã băm SHA-256)."
    elif pair.relation is Relation.PAPER_COPY and is_scan(this.facts):
        what = (
            f"Tệp này là bản giấy scan, không có chữ ký số hợp lệ, của văn bản {_number(partner)} "
            f"đã nộp bản điện tử ký số tại {quoted(partner.path)}."
        )
    elif pair.relation is Relation.PAPER_COPY:
        what = f"Tệp này và bản giấy scan {quoted(partner.path)} là cùng một văn bản {_number(this)}."
    else:
        what = (
            f"Tệp này và tệp {quoted(partner.path)} là cùng một văn bản {_number(this)} "
            "(cùng cơ quan ban hành, số, ký hiệu và ngày ban hành)."
        )
    keep = "" if partner is kept else f"; nên giữ {quoted(kept.path)}"
    others = [documents[other].path for other in group if other != index]
    return Verdict(Outcome.FAILED, f"Tài liệu nộp trùng. {what} Chỉ cần nộp một bản{keep}.", Proof.of_documents(others))


def _possible_copy(index: int, pairs: Sequence[Pair], documents: Sequence[SubmittedDocument]) -> Verdict:
    """An indeterminate verdict: nothing read differs, but not enough was read to be sure."""
    partners = [documents[pair.other(index)].path for pair in pairs]
    reasons = sorted({reason for pair in pairs for reason in pair.unknown})
    return Verdict(
        Outcome.INDETERMINATE,
        f"Tệp này ({_number(documents[index])}) có thể trùng với {', '.join(quoted(path) for path in partners)}: "
        f"cùng số, ký hiệu và không khác nhau ở thông tin nào đọc được, nhưng {'; '.join(reasons)}.",
        Proof.of_documents(partners),
    )
