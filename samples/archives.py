"""Archives as units send them: .zip (UTF-8 names, or legacy code-page names without the UTF-8 flag),
.7z, .rar, and hostile ones (encrypted, a bomb, names leaving the archive, links, nesting).

Writers: zip by the standard library's zipfile; 7z and encrypted zip by libarchive (bsdtar's
library); RAR by `write_rar`, byte by byte after RARLAB's published RAR 5.0 format description
(https://www.rarlab.com/technote.htm), "stored" (uncompressed) members only: no free RAR writer
exists (rar is non-free), and a stored RAR is what RAR itself writes with `-m0`. A zip with legacy
names is what old Windows zippers write: the name's bytes in the OEM or ANSI code page, no UTF-8 flag.
zipfile always flags non-ASCII names as UTF-8, so `write_zip` writes same-length ASCII names and then
puts the legacy bytes in their place (in the local header and the central directory; sizes and CRCs,
which cover the data only, are unchanged).
"""

from __future__ import annotations

import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import libarchive

# Vietnamese letters CP1258 stores precomposed; every other mark is a combining tone mark after them.
_CP1258_BASES = "âÂêÊôÔăĂơƠưƯđĐ"


def cp1258_bytes(name: str) -> bytes:
    """A Vietnamese name in CP1258: base letters precomposed where the code page has them, tones combining."""
    decomposed = unicodedata.normalize("NFD", name)
    out = ""
    for char in decomposed:
        composed = unicodedata.normalize("NFC", out[-1:] + char) if out else char
        if out and len(composed) == 1 and composed in _CP1258_BASES:
            out = out[:-1] + composed
        else:
            out += char
    return out.encode("cp1258")


def write_zip(path: Path, members: Mapping[str, bytes], names: str = "utf-8") -> Path:
    """A zip of `members`; `names` is "utf-8" (flagged, as zipfile writes), "cp437" or "cp1258" (unflagged)."""
    raw = {name: name.encode("utf-8") if names == "utf-8" else _legacy(name, names) for name in members}
    stand_ins = {name: _stand_in(index, len(raw[name])) for index, name in enumerate(members)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name if names == "utf-8" else stand_ins[name], data)
    if names != "utf-8":
        content = path.read_bytes()
        for name, stand_in in stand_ins.items():
            assert content.count(stand_in.encode()) == 2, name  # local header and central directory
            content = content.replace(stand_in.encode(), raw[name])
        path.write_bytes(content)
    return path


def _legacy(name: str, code_page: str) -> bytes:
    return cp1258_bytes(name) if code_page == "cp1258" else name.encode(code_page)


def _stand_in(index: int, length: int) -> str:
    tag = f"@{index}@"
    assert length >= len(tag), "a legacy name must be at least 3 bytes"
    return tag + "~" * (length - len(tag))


def write_zip_entries(path: Path, entries: Mapping[str, tuple[bytes, int]]) -> Path:
    """A zip whose entries carry their own Unix mode (a symlink: 0o120777, its target as data) or names."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, (data, mode) in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.create_system = 3  # Unix: the mode bits are meant
            archive.writestr(info, data)
    return path


def write_with_libarchive(
    path: Path, members: Mapping[str, bytes], format_name: str, options: str = "", passphrase: str | None = None
) -> Path:
    """A 7z ("7zip") or zip written by libarchive; `options`/`passphrase` give an encrypted zip."""
    with libarchive.file_writer(str(path), format_name, options=options, passphrase=passphrase) as archive:
        for name, data in members.items():
            archive.add_file_from_memory(name, len(data), data)
    return path


def _vint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _rar_block(body: bytes) -> bytes:
    """A RAR 5 header: CRC32 of (size + body), the size as a vint, then the body (type, flags, fields)."""
    sized = _vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(sized)) + sized


def write_rar(path: Path, members: Mapping[str, bytes]) -> Path:
    """A RAR 5 archive of stored members with UTF-8 names (folders in names are "/"-separated)."""
    content = bytearray(b"Rar!\x1a\x07\x01\x00")
    content += _rar_block(_vint(1) + _vint(0) + _vint(0))  # main archive header: no flags
    for name, data in members.items():
        encoded = name.encode("utf-8")
        fields = (
            _vint(0x04)  # file flags: data CRC32 present
            + _vint(len(data))  # unpacked size
            + _vint(0x20)  # attributes (archive)
            + struct.pack("<I", zlib.crc32(data))
            + _vint(0)  # compression: version 0, method 0 = store
            + _vint(0)  # host OS: Windows
            + _vint(len(encoded))
            + encoded
        )
        content += _rar_block(_vint(2) + _vint(0x02) + _vint(len(data)) + fields)  # file header, data follows
        content += data
    content += _rar_block(_vint(5) + _vint(0) + _vint(0))  # end of archive
    path.write_bytes(bytes(content))
    return path
