"""Rule `system-file`: operating-system litter in the evidence tree."""

from __future__ import annotations

from kiemchung.extractors.models import DocumentFacts, FileKind
from kiemchung.validators.model import PASSED, DocumentRule, Outcome, RuleContext, Severity, Verdict


class SystemFile(DocumentRule):
    """A file the operating system left behind, not a document.

    What it checks: whether the file is OS or Office litter — `.DS_Store`,
    `Thumbs.db`, `desktop.ini`, `~$…` lock files, `._…` resource forks.

    Why it matters: such files are copied along with folders and are never meant as
    evidence; they are listed so every file is accounted for, but they neither
    support nor zero any criterion.

    Example: `1.1/.DS_Store` from a folder zipped on a Mac.
    """

    code = "KC102"
    name = "system-file"
    title = "Tệp hệ thống, bỏ qua"
    action = "Không cần làm gì; có thể xóa tệp này khỏi hồ sơ."
    action_en = "Nothing to do; the file can be removed from the folder."
    guide = """Kiểm tra gì: tệp có phải là tệp rác do hệ điều hành hoặc Office tự tạo ra hay không — `.DS_Store`,
    `Thumbs.db`, `desktop.ini`, tệp khóa `~$…`, tệp tài nguyên `._…`.

    Vì sao quan trọng: các tệp này bị sao chép theo thư mục và không bao giờ được dùng làm tài liệu kiểm chứng;
    chúng được liệt kê để không tệp nào bị bỏ sót, nhưng không làm minh chứng và cũng không làm 0 điểm tiêu chí nào.

    Ví dụ: `1.1/.DS_Store` trong một thư mục được nén trên máy Mac.
    """
    severity = Severity.INFO
    zeroes = False
    needs_content = False

    def check(self, facts: DocumentFacts, context: RuleContext) -> Verdict:
        if facts.kind is not FileKind.SYSTEM:
            return PASSED
        return Verdict(Outcome.FAILED, "Tệp hệ thống do máy tính tự tạo, không phải tài liệu kiểm chứng; đã bỏ qua.")
