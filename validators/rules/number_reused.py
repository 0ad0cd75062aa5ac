"""Rule `number-reused`: one number and symbol on two different documents of the same body and year."""

from __future__ import annotations

from collections.abc import Sequence

from kiemchung.extractors.models import value_of
from kiemchung.validators.format import quoted
from kiemchung.validators.identity import Pair, Relation, issue_year, related_pairs
from kiemchung.validators.model import (
    NOT_APPLICABLE,
    PASSED,
    DocumentSetRule,
    Outcome,
    Proof,
    RuleContext,
    Severity,
    SubmittedDocument,
    Verdict,
)
from kiemchung.validators.scans import believed_header


class NumberReused(DocumentSetRule):
    """One number on two different documents of the same body and year.

    What it checks: pairs of files whose own numbers and symbols are the same (numbers without
    leading zeros, symbols without case or diacritics), from the same issuer (its name compared
    without case or diacritics, `UBND` spelled out) in the same year (the one inside the number,
    `30/2018/QĐ-UBND`, else the date's), whose type name, subject or date differ. Both documents
    get the finding. The symbol alone proves nothing — every commune writes `QĐ-UBND` — so files
    of different issuers never collide. When the issuer or year of one of the pair cannot be read,
    one issuer reads as the other with a parent body's line in front, or one file is a scan whose
    words are OCR, the finding is indeterminate and does not zero. A file with no number or symbol
    is not judged (`number-missing` reports it); files that agree on everything read are
    `duplicate-document`'s business.

    Why it matters: a body gives each number once a year, in sequence (Decree 30/2020/NĐ-CP), so
    two documents under one number cannot both be genuine as issued: one was numbered outside the
    register, often after the fact — the "số a, b" problem without the letter. Which one only the
    body's register of outgoing documents (sổ đăng ký văn bản đi) can tell, so both criteria are
    zeroed until the unit shows it.

    Example: ỦY BAN NHÂN DÂN XÃ CAO AN's `Số: 11/KH-UBND` of 30/01/2023 "Cải thiện chỉ số CCHC năm
    2023" and its `Số: 11/KH-UBND` of 05/03/2023 "Tuyên truyền CCHC năm 2023" both fail;
    `11/KH-UBND` of ỦY BAN NHÂN DÂN XÃ AN BÌNH, or of 2022, passes.
    """

    code = "KC502"
    name = "number-reused"
    title = "Số văn bản trùng với văn bản khác"
    action = "Đối chiếu số văn bản với sổ đăng ký văn bản đi và nộp đúng văn bản đã đăng ký với số đó."
    action_en = "Check the number against the outgoing register and submit the document registered under it."
    guide = """Kiểm tra gì: các cặp tệp có số và ký hiệu của chính văn bản giống nhau (số không kể các số 0 ở đầu,
    ký hiệu không phân biệt chữ hoa, chữ thường và dấu), của cùng cơ quan ban hành (tên được so sánh không phân biệt
    chữ hoa, chữ thường và dấu, `UBND` được viết đầy đủ), trong cùng năm (năm ghi trong số, như `30/2018/QĐ-UBND`,
    nếu không có thì năm của ngày ban hành), nhưng khác tên loại, trích yếu hoặc ngày. Cả hai văn bản đều nhận phát
    hiện. Riêng ký hiệu không chứng minh được gì — xã nào cũng viết `QĐ-UBND` — nên tệp của các cơ quan ban hành
    khác nhau không bao giờ bị coi là trùng số. Khi không đọc được cơ quan ban hành hoặc năm của một trong hai tệp,
    khi tên cơ quan ban hành của tệp này chính là tên cơ quan ban hành của tệp kia có thêm dòng cơ quan chủ quản ở
    trên, hoặc khi một tệp là bản scan có chữ đọc bằng OCR, kết quả là “chưa xác định được” và không làm 0 điểm. Tệp
    không có số hoặc ký hiệu không được đánh giá (quy tắc `number-missing` báo tệp đó); các tệp giống nhau ở mọi
    thông tin đọc được thuộc phạm vi của quy tắc `duplicate-document`.

    Vì sao quan trọng: mỗi cơ quan cấp mỗi số một lần trong năm, theo thứ tự (Nghị định 30/2020/NĐ-CP), nên hai văn
    bản cùng một số không thể đều là văn bản đúng như khi ban hành: một văn bản đã được đánh số ngoài sổ đăng ký,
    thường là được cấp số về sau — vấn đề “số a, b” nhưng không có chữ. Văn bản nào sai thì chỉ sổ đăng ký văn bản
    đi của cơ quan mới cho biết được, nên cả hai tiêu chí bị chấm 0 điểm cho đến khi đơn vị chứng minh được.

    Ví dụ: `Số: 11/KH-UBND` ngày 30/01/2023 “Cải thiện chỉ số CCHC năm 2023” và `Số: 11/KH-UBND` ngày 05/03/2023
    “Tuyên truyền CCHC năm 2023” của ỦY BAN NHÂN DÂN XÃ CAO AN đều không đạt; `11/KH-UBND` của ỦY BAN NHÂN DÂN XÃ AN
    BÌNH, hoặc của năm 2022, thì đạt.
    """
    severity = Severity.ERROR
    zeroes = True

    def check(self, documents: Sequence[SubmittedDocument], context: RuleContext) -> tuple[Verdict, ...]:
        reused: dict[int, list[Pair]] = {}
        for pair in related_pairs([document.facts for document in documents]):
            if pair.relation in (Relation.NUMBER_REUSED, Relation.MAYBE_NUMBER_REUSED):
                reused.setdefault(pair.first, []).append(pair)
                reused.setdefault(pair.second, []).append(pair)
        verdicts = []
        for index, document in enumerate(documents):
            header = believed_header(document.facts)
            if value_of(header.number) is None or value_of(header.symbol) is None:
                verdicts.append(NOT_APPLICABLE)
            elif index not in reused:
                verdicts.append(PASSED)
            else:
                verdicts.append(_reused(index, reused[index], documents))
        return tuple(verdicts)


def _reused(index: int, pairs: Sequence[Pair], documents: Sequence[SubmittedDocument]) -> Verdict:
    """Failed when a collision is certain, else indeterminate with what could not be read."""
    header = believed_header(documents[index].facts)
    number = quoted(header.number.raw) if header.number is not None else "?"
    certain = [pair for pair in pairs if pair.relation is Relation.NUMBER_REUSED]
    partners = "; ".join(_partner(index, pair, documents) for pair in certain or pairs)
    paths = [documents[pair.other(index)].path for pair in certain or pairs]
    if certain:
        issuer = value_of(header.issuer) or "?"
        year = issue_year(documents[index].facts)
        return Verdict(
            Outcome.FAILED,
            f"Văn bản này ({number}) của {issuer} năm {year} trùng số, ký hiệu với văn bản khác: {partners}. "
            "Mỗi số chỉ được cấp cho một văn bản trong năm của mỗi cơ quan: cần đối chiếu sổ đăng ký văn bản đi "
            "để xác định văn bản nào mang đúng số này.",
            Proof.of_documents(paths),
        )
    reasons = "; ".join(sorted({reason for pair in pairs for reason in pair.unknown}))
    return Verdict(
        Outcome.INDETERMINATE,
        f"Văn bản này ({number}) trùng số, ký hiệu với văn bản khác: {partners}; nhưng {reasons}, nên chưa kết "
        "luận được đây có phải một số cấp cho hai văn bản của cùng cơ quan hay không.",
        Proof.of_documents(paths),
    )


def _partner(index: int, pair: Pair, documents: Sequence[SubmittedDocument]) -> str:
    """“2.1/bc.pdf” (khác trích yếu: “A” so với “B”)."""
    differences = "; ".join(f"khác {d.field}: {d.first} so với {d.second}" for d in pair.differences_from(index))
    return f"{quoted(documents[pair.other(index)].path)} ({differences})"
