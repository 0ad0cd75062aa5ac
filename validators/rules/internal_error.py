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
