"""Every text the command line itself prints, in Vietnamese (default) and English (`--lang en`).

The help of every command and option, usage errors (argparse's own included), the progress line, the
per-unit summary and the tree as read. The reports' wording is `pipeline.labels`; the messages a run
stops with are built from here too (`pipeline.errors`). The language is chosen before the parser
exists (`lang_of`), so `--help` follows `--lang en`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kiemchung.pipeline.labels import Lang

_TEXTS: dict[str, tuple[str, str]] = {
    # --- argparse's own headings
    "usage": ("cách dùng: ", "usage: "),
    "positionals": ("tham số", "positional arguments"),
    "optionals": ("tùy chọn", "options"),
    "help": ("hiện hướng dẫn này rồi thoát", "show this help message and exit"),
    "see_help": ("xem `{prog} --help`", "see `{prog} --help`"),
    # --- kiemchung
    "description": (
        "Kiểm tra sơ bộ tài liệu kiểm chứng Chỉ số cải cách hành chính (CCHC) trước khi Hội đồng thẩm định.",
        "Pre-screen the evidence documents of the Administrative Reform Index (CCHC) for the appraisal council.",
    ),
    "version": ("hiện phiên bản rồi thoát", "show the version and exit"),
    "commands": ("lệnh", "commands"),
    # --- kiemchung check
    "check": (
        "kiểm tra một thư mục đơn vị, hoặc thư mục chứa nhiều đơn vị",
        "check a unit folder or a folder of unit folders",
    ),
    "path": (
        "thư mục hồ sơ của một đơn vị, hoặc thư mục có các thư mục con là đơn vị (tỉnh → huyện → xã)",
        "a unit folder, or a folder whose subfolders are units (province → district → commune)",
    ),
    "year": ("năm đánh giá (kỳ đánh giá từ 01/01 đến 31/12)", "the assessment year (period 1 January - 31 December)"),
    "out": (
        "thư mục ghi báo cáo (mặc định: ./kiemchung-report); không được nằm trong PATH",
        "where reports go (default: ./kiemchung-report); never inside PATH",
    ),
    "config": (
        "tệp thiết lập TOML (các khóa và giá trị mặc định: pipeline/defaults.toml)",
        "a TOML file with settings (see pipeline/defaults.toml)",
    ),
    "fail_on": (
        "thoát với mã 1 khi có phát hiện từ mức này trở lên: zero (làm 0 điểm), error (lỗi), warning (cảnh báo); "
        "mặc định: không",
        "exit 1 when a finding reaches this level: zero, error or warning (default: never)",
    ),
    "layout": (
        "cách đọc PATH: auto (tự nhận biết, mặc định), unit (một đơn vị), batch (mỗi thư mục con là một đơn vị)",
        "how PATH is read: auto (default), unit (one unit), batch (each subfolder is a unit)",
    ),
    "trust_root": (
        "chứng thư số gốc tin cậy (PEM/DER) hoặc thư mục chứa các chứng thư đó; dùng được nhiều lần",
        "a trusted root certificate (PEM/DER) or a folder of them; repeatable",
    ),
    "criteria": (
        "bộ tiêu chí của tỉnh (YAML); mặc định: các dòng của bảng tự đánh giá của từng đơn vị",
        "the province's criteria set (YAML); default: each unit's self-assessment rows",
    ),
    "select": (
        "các quy tắc được chạy: mã, đầu mã hoặc tên, cách nhau bởi dấu phẩy (KC2,unsigned)",
        "rules to run: codes, code prefixes or names (KC2,unsigned)",
    ),
    "ignore": (
        "các quy tắc bị tắt, thêm vào danh sách ignore trong mục [rules] của tệp thiết lập",
        "rules to turn off, added to the config's [rules] ignore",
    ),
    "self_assessment": (
        "bảng tự đánh giá của đơn vị (.xlsx, .xls, .csv, .docx) khi bảng không nằm trong thư mục hồ sơ; chỉ khi PATH "
        "là hồ sơ của một đơn vị (các bảng trong thư mục khi đó không được đọc)",
        "the unit's self-assessment table (.xlsx, .xls, .csv, .docx) when it is not in the unit folder; only when "
        "PATH holds one unit (the tables in its folder are then not read)",
    ),
    "waivers": (
        "tệp các phát hiện được Hội đồng miễn (.yaml, .csv hoặc .xlsx)",
        "the council's waivers of findings (.yaml, .csv or .xlsx)",
    ),
    "assignments": (
        "bảng phân công người, bộ phận phụ trách từng tiêu chí (.xlsx, .csv hoặc .yaml)",
        "who answers for which criteria (.xlsx, .csv or .yaml)",
    ),
    "format": (
        "các báo cáo cần ghi, cách nhau bởi dấu phẩy: json,xlsx,html,docx (mặc định: cả bốn)",
        "reports to write: json,xlsx,html,docx (default: all four)",
    ),
    "lang": (
        "ngôn ngữ của báo cáo và thông báo: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh)",
        "language of the reports and messages: vi (Vietnamese, default) or en (English)",
    ),
    "batch": ("chạy hàng loạt", "batch"),
    "jobs": (
        "số tiến trình đọc tệp song song (mặc định: bằng số lõi CPU); 1: không dùng tiến trình riêng, mọi tệp được "
        "đọc lần lượt ngay trong tiến trình này, nơi trình gỡ lỗi thấy được (khi đó không áp dụng giới hạn thời gian)",
        "worker processes (default: one per core); 1: no worker, every file is read in this process, one after "
        "the other, where a debugger or a profiler sees it (the time limit is then not enforced)",
    ),
    "timeout": (
        "thời gian tối đa để đọc một tệp, tính bằng giây (mặc định: {seconds:g})",
        "time limit per file, in seconds (default: {seconds:g})",
    ),
    "cache_dir": (
        "thư mục bộ nhớ đệm kết quả đọc tệp (mặc định: ~/.cache/kiemchung)",
        "result cache (default: ~/.cache/kiemchung)",
    ),
    "no_cache": ("đọc lại mọi tệp, không lưu gì vào bộ nhớ đệm", "read every file again; keep nothing"),
    "executor": ("nơi đọc tệp: local (máy này, mặc định) hoặc dask (cụm máy)", "where files are read: local or dask"),
    "scheduler": ("địa chỉ bộ điều phối Dask, dùng với --executor dask", "the Dask scheduler, with --executor dask"),
    "quiet": ("không hiện tiến độ và dòng tóm tắt của từng đơn vị", "no progress and no per-unit lines"),
    "verbose": ("khi có lỗi nội bộ, in thêm traceback", "on an internal error, print its traceback too"),
    "ocr": (
        "nhận dạng chữ trên bản scan và tệp ảnh bằng Tesseract (mặc định: khi máy đã cài)",
        "read scanned headers and pictures with Tesseract (default: when it is installed)",
    ),
    # metavars
    "FILE": ("TỆP", "FILE"),
    "LIST": ("DANH_SÁCH", "LIST"),
    "N": ("N", "N"),
    "SECONDS": ("GIÂY", "SECONDS"),
    "DIR": ("THƯ_MỤC", "DIR"),
    "ADDRESS": ("ĐỊA_CHỈ", "ADDRESS"),
    # --- kiemchung rules
    "rules": (
        "các quy tắc đang áp dụng (với --config: theo quy định của Hội đồng), hoặc giải thích một quy tắc",
        "the rules in force (with --config: the council's policy), or one rule",
    ),
    "rules_config": ("tệp thiết lập TOML có mục [rules] cần hiển thị", "a TOML file whose [rules] to show"),
    "rule": ("mã quy tắc (KC201) hoặc tên quy tắc (number-suffix)", "a rule code (KC201) or name (number-suffix)"),
    "markdown": ("in tài liệu của mọi quy tắc dưới dạng Markdown", "print every rule's documentation as Markdown"),
    "no_rule": (
        "không có quy tắc {key!r}; lệnh `kiemchung rules` liệt kê các quy tắc",
        "no rule {key!r}; `kiemchung rules` lists them",
    ),
    # --- kiemchung serve, kiemchung user add (the web service)
    "serve": (
        "chạy dịch vụ web: đơn vị nộp hồ sơ và xem kết quả kiểm tra, Hội đồng xem mọi đơn vị",
        "run the web service: units upload their evidence and see the check, the council sees every unit",
    ),
    "data": (
        "thư mục dữ liệu của dịch vụ: cơ sở dữ liệu, tệp đã nộp, báo cáo (mặc định: ./kiemchung-data)",
        "the service's data folder: database, uploads, reports (default: ./kiemchung-data)",
    ),
    "host": ("địa chỉ lắng nghe (mặc định: 127.0.0.1, chỉ máy này)", "address to listen on (default: 127.0.0.1)"),
    "port": ("cổng (mặc định: 8000)", "port (default: 8000)"),
    "serve_config": (
        "tệp thiết lập TOML dùng khi kiểm tra hồ sơ được nộp, như của lệnh check",
        "the TOML settings the uploads are checked with, as for check",
    ),
    "user": ("quản lý tài khoản của dịch vụ web", "manage the web service's accounts"),
    "user_add": (
        "tạo tài khoản và in mật khẩu dùng một lần (người dùng đặt mật khẩu riêng khi đăng nhập lần đầu)",
        "create an account and print a one-time password (changed at the first login)",
    ),
    "user_name": ("tên đăng nhập", "the login name"),
    "role": (
        "vai trò: council (Hội đồng thẩm định, xem các đơn vị của đợt, hoặc mọi đơn vị khi không có --batch), "
        "clerk (cán bộ một đơn vị), admin (quản trị)",
        "role: council (sees the units of its batch, or every unit without --batch), clerk (one unit's), admin",
    ),
    "unit": (
        "đơn vị của cán bộ (clerk): mã hoặc tên; tạo mới khi chưa có",
        "the clerk's unit: its code or name; made when new",
    ),
    "user_batch": (
        "đợt thẩm định (mã hoặc tên; tạo mới khi chưa có): thành viên Hội đồng chỉ xem các đơn vị của đợt; "
        "đơn vị mới của cán bộ được xếp vào đợt",
        "the appraisal batch (code or name; made when new): a council member sees its units only; a clerk's new unit "
        "goes into it",
    ),
    "token": ("in thêm mã API để dùng trong tập lệnh", "also print an API token for scripts"),
    "UNIT": ("ĐƠN_VỊ", "UNIT"),
    "BATCH": ("ĐỢT", "BATCH"),
    "user_added": (
        "Đã tạo tài khoản {user} ({role}). Mật khẩu dùng một lần: {password}\n"
        "Hãy gửi riêng cho người dùng; khi đăng nhập lần đầu, họ phải đặt mật khẩu của mình.",
        "Created the account {user} ({role}). One-time password: {password}\n"
        "Send it privately; the user chooses their own password at the first login.",
    ),
    "unit_created": ("Đã tạo đơn vị {unit} (mã {code}).", "Created the unit {unit} (code {code})."),
    "batch_created": ("Đã tạo đợt thẩm định {batch} (mã {code}).", "Created the batch {batch} (code {code})."),
    "token_issued": (
        "Mã API (chỉ hiện lần này, hãy lưu lại): {token}",
        "API token (shown this once, keep it): {token}",
    ),
    "waitress_missing": (
        "kiemchung serve cần waitress: pip install waitress (hoặc cài lại kiemchung)",
        "kiemchung serve needs waitress: pip install waitress (or reinstall kiemchung)",
    ),
    # --- usage errors
    "year_missing": (
        "chưa có năm đánh giá: dùng --year (hoặc period.year, hay period.start và period.end trong --config)",
        "give the assessment year with --year (or period.year / start and end in --config)",
    ),
    "year_implausible": (
        "--year {year} không phải một năm đánh giá hợp lý (từ 1990 đến 2100)",
        "--year {year} is not a plausible assessment year",
    ),
    "format_unknown": (
        "--format nhận danh sách cách nhau bởi dấu phẩy gồm {known}; đã nhận {names}",
        "--format takes a comma-separated list of {known}; got {names}",
    ),
    "scheduler_missing": (
        "--executor dask cần địa chỉ bộ điều phối: --scheduler tcp://MÁY:8786",
        "--executor dask needs the scheduler's address: --scheduler tcp://HOST:8786",
    ),
    "dask_missing": (
        "--executor dask cần cài Dask: pip install 'kiemchung[dask]'",
        "--executor dask needs Dask: pip install 'kiemchung[dask]'",
    ),
    "not_a_folder": ("{path} không phải là thư mục", "{path} is not a folder"),
    "table_missing": (
        "không thấy bảng tự đánh giá {path}; hãy kiểm tra đường dẫn của --self-assessment",
        "the self-assessment table {path} does not exist; check the --self-assessment path",
    ),
    "table_one_unit": (
        "bảng tự đánh giá nộp riêng chỉ dùng được cho hồ sơ của một đơn vị, nhưng đã thấy {n} đơn vị ({names}); "
        "hãy kiểm tra hồ sơ của từng đơn vị riêng",
        "a self-assessment table given apart is for one unit's evidence, but {n} units were found ({names}); "
        "check each unit on its own",
    ),
    "nothing_found": (
        "{path} không có thư mục đơn vị nào và không có tài liệu kiểm chứng",
        "{path} holds no unit folders and no evidence",
    ),
    "out_inside": (
        "thư mục báo cáo {out} nằm trong thư mục hồ sơ {path}; hãy chọn --out khác",
        "the output folder {out} is inside the evidence folder {path}; choose another --out",
    ),
    "ocr_missing": (
        "--ocr cần Tesseract và bộ dữ liệu tiếng Việt: apt-get install tesseract-ocr tesseract-ocr-vie",
        "--ocr needs Tesseract with its Vietnamese model: apt-get install tesseract-ocr tesseract-ocr-vie",
    ),
    # --- while a run goes
    "tree_read": ("Đã đọc {root}: {n} đơn vị ({names}).", "Read {root}: {n} units ({names})."),
    "tree_outside": ("{n} tệp không thuộc đơn vị nào: {names}.", "{n} files outside any unit: {names}."),
    "tree_warning": ("Cảnh báo: {warning}", "Warning: {warning}"),
    "progress_files": ("{done}/{total} tệp", "{done}/{total} files"),
    "progress_rate": ("{rate} tệp/giây", "{rate} files/s"),
    "progress_left": ("còn {left}", "{left} left"),
    "progress_cached": ("{n} tệp lấy từ bộ nhớ đệm", "{n} files from the cache"),
    "progress_unit": ("đơn vị: {unit}", "unit: {unit}"),
    "unit_summary": (
        "{unit}: {files} tệp, {criteria} tiêu chí; {zeroing} tệp có lỗi làm 0 điểm, {zeroed} tiêu chí bị 0 điểm; "
        "tự chấm {self} → đề xuất {recommended} điểm (có nguy cơ mất {risk}). Báo cáo: {report}",
        "{unit}: {files} files, {criteria} criteria; {zeroing} files zero a criterion, {zeroed} criteria scored 0; "
        "self-assessed {self} → recommended {recommended} points ({risk} at risk). Report: {report}",
    ),
}

# argparse's own error messages (Python 3.11 wording), and how they read in Vietnamese.
_ARGPARSE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), vietnamese)
    for pattern, vietnamese in (
        (r"the following arguments are required: (.*)", "thiếu tham số bắt buộc: {0}"),
        (r"unrecognized arguments: (.*)", "không nhận ra tham số: {0}"),
        (
            r"argument (.+?): invalid choice: (.+) \(choose from (.*)\)",
            "tham số {0}: {1} không hợp lệ, chọn một trong {2}",
        ),
        (r"argument (.+?): invalid int value: (.*)", "tham số {0}: {1} không phải số nguyên"),
        (r"argument (.+?): invalid float value: (.*)", "tham số {0}: {1} không phải số"),
        (r"argument (.+?): expected one argument", "tham số {0} cần một giá trị"),
        (r"ambiguous option: (.+?) could match (.*)", "tùy chọn {0} không rõ, có thể là {1}"),
    )
)


def text(name: str, lang: Lang = Lang.VI, **values: object) -> str:
    """The text `name` in `lang`, with {placeholders} filled; an unknown name is a bug (KeyError)."""
    vietnamese, english = _TEXTS[name]
    chosen = vietnamese if lang is Lang.VI else english
    return chosen.format(**values) if values else chosen


def both(name: str, **values: object) -> tuple[str, str]:
    """The Vietnamese and the English text, for an error whose language is chosen when it is shown."""
    return text(name, Lang.VI, **values), text(name, Lang.EN, **values)


def usage_error(message: str, lang: Lang) -> str:
    """One of argparse's error messages in `lang` (as argparse wrote it when no translation is known)."""
    if lang is Lang.EN:
        return message
    for pattern, vietnamese in _ARGPARSE_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            return vietnamese.format(*found.groups())
    return message


def lang_of(argv: Sequence[str]) -> Lang:
    """The language asked for on the command line (`--lang en`, `--lang=en`), before it is parsed."""
    for index, arg in enumerate(argv):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        if value == Lang.EN.value:
            return Lang.EN
    return Lang.VI
