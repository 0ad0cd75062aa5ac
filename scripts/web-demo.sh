#!/usr/bin/env bash
# The web service with a demo batch: installs kiemchung, makes accounts (a council member, an administrator and
# a clerk for each sample unit; their one-time passwords are printed), starts `kiemchung serve` on
# http://127.0.0.1:PORT/ (default 8000) and uploads each sample unit's zipped folder through the API, as its
# clerk, to be checked at once. Usage: scripts/web-demo.sh [PORT]. Everything is kept in ./kiemchung-demo-data;
# run again to serve it again, delete it to start over. Ctrl-C stops the service.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-8000}"
data=kiemchung-demo-data
serve=(.venv/bin/kiemchung serve --data "$data" --config scripts/web-demo.toml --port "$port")
command -v curl >/dev/null || { echo "Cần curl để nộp hồ sơ mẫu (Debian: apt-get install curl)." >&2; exit 2; }
scripts/setup.sh
if [ -d "$data" ]; then
    echo "Dữ liệu demo đã có trong $data (tài khoản, mật khẩu và hồ sơ của lần chạy trước); xóa thư mục này để tạo lại."
    exec "${serve[@]}"
fi

# One account per role; a clerk per sample unit (the unit is made with it), with an API token to upload.
.venv/bin/kiemchung user add hoidong --role council --data "$data"
.venv/bin/kiemchung user add quantri --role admin --data "$data"
uploads=$(mktemp -d)
while IFS='|' read -r clerk unit; do
    printed=$(.venv/bin/kiemchung user add "$clerk" --role clerk --unit "$unit" --token --data "$data")
    grep -v '^Mã API' <<<"$printed"
    code=$(sed -n 's/^Đã tạo đơn vị .* (mã \(.*\))\.$/\1/p' <<<"$printed")
    token=$(sed -n 's/^Mã API (chỉ hiện lần này, hãy lưu lại): //p' <<<"$printed")
    .venv/bin/python -m zipfile -c "$uploads/$code.zip" "samples/batch/$unit"
    echo "$code $token" >>"$uploads/queue"
done <<'UNITS'
tanlap|UBND xã Tân Lập
caoan|UBND xã Cao An
hoabinh|UBND phường Hòa Bình
UNITS

# Once the service answers, each clerk uploads their unit (in the background: the service runs in the foreground).
(
    until curl -sf -o /dev/null "http://127.0.0.1:$port/login/"; do sleep 1; done
    while read -r code token; do
        curl -sS -H "Authorization: Bearer $token" -F "archive=@$uploads/$code.zip" \
            "http://127.0.0.1:$port/api/v1/units/$code/submissions" >/dev/null
        echo "Đã nộp hồ sơ mẫu của $code: http://127.0.0.1:$port/units/$code/"
    done <"$uploads/queue"
    rm -rf "$uploads"
    echo "Đăng nhập tại http://127.0.0.1:$port/ bằng một tài khoản ở trên (mật khẩu dùng một lần, đặt lại khi đăng nhập)."
) &
exec "${serve[@]}"
