"""Rule `internal-error`: another rule raised instead of answering, so its subject could not be checked."""

from __future__ import annotations

from kiemchung.validators.model import PASSED, Outcome, Rule, Severity, Verdict


class InternalError(Rule):
    """A rule failed with an error of the program: what it checks was not checked.

    What it checks: nothing of its own. The registry runs every rule through it
    (`validators.registry`): a rule that raises an exception, whatever the kind of
    rule, gives this finding on the file, criterion or unit it was judging, with
    the failing rule's code and the exception's type and text as proof, and the
    run goes on with the next rule, file and unit. The outcome is "could not
    check": it takes no points and passes nothing, and the council checks that
    rule on that subject by hand.

    Why it matters: a bug in one rule, set off by one strange document, must not
    stop a province's batch nor decide a criterion. Scoring 0 would blame the unit
    for the program's fault; saying nothing would pass a document no rule looked at.

    Example: `number-suffix` raises `KeyError: 'so'` on one plan: that plan gets
    "Lỗi nội bộ khi kiểm tra quy tắc KC201 …; hãy báo cho quản trị viên", every
    other rule still judges it, and every other file is judged as usual.
    """

    code = "KC901"
    name = "internal-error"
    title = "Lỗi nội bộ khi kiểm tra — Hội đồng kiểm tra trực tiếp"
    action = "Hội đồng mở tệp kiểm tra trực tiếp và gửi thông báo lỗi cho quản trị viên."
    action_en = "The council checks the file by hand and sends the error to the administrator."
    guide = """Kiểm tra gì: không kiểm tra gì riêng. Danh mục quy tắc (`validators.registry`) chạy mọi quy tắc dưới
    sự giám sát của quy tắc này: quy tắc nào phát sinh ngoại lệ, dù thuộc loại nào, sẽ cho phát hiện này trên tệp,
    tiêu chí hoặc đơn vị mà nó đang đánh giá, với căn cứ là mã của quy tắc bị lỗi, tên loại ngoại lệ và nội dung của
    ngoại lệ đó, và lần chạy tiếp tục với quy tắc, tệp và đơn vị tiếp theo. Kết quả là “không kiểm tra được”: không
    trừ điểm và cũng không cho đạt, và Hội đồng thẩm định kiểm tra trực tiếp quy tắc đó trên đối tượng đó.

    Vì sao quan trọng: lỗi của một quy tắc, do một văn bản lạ gây ra, không được làm dừng cả lượt kiểm tra của một
    tỉnh hay quyết định điểm của một tiêu chí. Chấm 0 điểm là đổ lỗi của chương trình cho đơn vị; im lặng là cho qua
    một văn bản chưa quy tắc nào xem xét.

    Ví dụ: quy tắc `number-suffix` phát sinh `KeyError: 'so'` trên một kế hoạch: kế hoạch đó nhận “Lỗi nội bộ khi
    kiểm tra quy tắc KC201 …; hãy báo cho quản trị viên”, mọi quy tắc khác vẫn đánh giá nó, và mọi tệp khác được
    đánh giá như thường.
    """
    severity = Severity.WARNING
    zeroes = False

    def check(self, rule: Rule, error: Exception | None) -> Verdict:
        """The verdict on a subject `rule` was judging: passed when it answered, "could not check" when it raised."""
        if error is None:
            return PASSED
        return Verdict(
            Outcome.INDETERMINATE,
            f"Lỗi nội bộ khi kiểm tra quy tắc {rule.code} ({rule.name}): chưa kiểm tra được, Hội đồng kiểm tra "
            "trực tiếp; hãy báo cho quản trị viên.",
            detail=f"{type(error).__name__}: {error}",
        )
