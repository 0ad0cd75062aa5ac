"""Rule `signature-modified`: the document was changed after it was signed."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, Integrity
from kiemchung.validators.model import PASSED, DocumentRule, Outcome, RuleContext, Severity, Verdict
from kiemchung.validators.signatures import at_signature, who

# What may be appended after a signature: nothing, a later signature, a timestamp or validation data.
ALLOWED_AFTER_SIGNING = frozenset({"none", "lta-updates", "form-filling"})
_CHANGE_NAMES = {"annotations": "thêm chú thích/lớp phủ lên trang", "other": "sửa nội dung, trang hoặc cấu trúc"}


class SignatureModified(DocumentRule):
    """The document was edited after signing.

    What it checks: what was appended to the PDF after each signature
    (incremental updates), as classified by pyHanko's difference analysis. A
    later signature, a timestamp or validation data are allowed; new content, an
    overlay annotation or a changed page are not. A signature whose coverage of
    the file is unclear, or whose later changes cannot be classified, is
    indeterminate and zeroes.

    Why it matters: an incremental update can show a different number, date or
    text while the original signature still verifies — the classic "incremental
    saving" and "shadow" attacks. What the council sees must be what was signed.

    Example: a signed plan whose number was overwritten by a text box added
    afterwards fails; a plan signed by the chairman and then by the People's
    Committee passes.
    """

    code = "KC303"
    name = "signature-modified"
    title = "Văn bản bị sửa sau khi ký số"
    action = (
        "Nộp bản gốc đúng như khi ký: không sửa, chèn trang hay ghép tệp sau khi ký; cần sửa thì sửa xong rồi"
        " ký số lại."
    )
    action_en = (
        "Submit the original as signed: no edits, inserted pages or merged files after signing; a needed "
        "change is made first, then signed again."
    )
    guide = """Kiểm tra gì: những gì được ghi thêm vào tệp PDF sau mỗi chữ ký (các lần cập nhật nối tiếp,
    “incremental update”), theo cách phân loại của phép phân tích khác biệt trong pyHanko. Chữ ký sau, dấu thời gian
    hoặc dữ liệu xác minh được phép thêm; nội dung mới, chú thích phủ lên trang hay trang bị thay đổi thì không. Chữ
    ký không rõ phạm vi bao phủ tệp, hoặc có những thay đổi sau đó không phân loại được, là “chưa xác định được” và
    làm 0 điểm.

    Vì sao quan trọng: một lần cập nhật nối tiếp có thể hiển thị số, ngày hay nội dung khác trong khi chữ ký ban đầu
    vẫn xác minh đúng — kiểu tấn công kinh điển “incremental saving” và “shadow”. Những gì Hội đồng thẩm định thấy
    phải đúng là những gì đã được ký.

    Ví dụ: kế hoạch đã ký số có số văn bản bị một hộp văn bản thêm vào sau đó đè lên thì không đạt; kế hoạch được
    Chủ tịch ký rồi Ủy ban nhân dân ký thì đạt.
    """
    severity = Severity.ERROR
    zeroes = True
    zeroes_when_indeterminate = True

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        intact = [s for s in facts.signatures if s.integrity is Integrity.INTACT]
        for signature in intact:
            level = signature.modification_level
            if level is not None and level not in ALLOWED_AFTER_SIGNING:
                change = _CHANGE_NAMES.get(level, level)
                return Verdict(
                    Outcome.FAILED,
                    f"Sau khi {who(signature)} ký số, tệp đã bị cập nhật thêm ({change}). "
                    "Đơn vị cần nộp bản gốc đúng như khi ký.",
                    at_signature(signature),
                    signature.error or f"modification level: {level}",
                )
        for signature in intact:
            if signature.coverage in (None, "unclear") or (
                signature.modification_level is None and signature.coverage != "entire-file"
            ):
                return Verdict(
                    Outcome.INDETERMINATE,
                    f"Không xác định được phần tệp được chữ ký của {who(signature)} "
                    "bảo vệ hoặc các thay đổi sau khi ký. Hội đồng mở tệp bằng phần mềm ký số để xem.",
                    at_signature(signature),
                    f"coverage: {signature.coverage}",
                )
        return PASSED
