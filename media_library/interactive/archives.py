"""Safe reading of uploaded zip archives (.h5p files and SCORM packages).

An archive is untrusted: every entry name is checked before anything is read (no absolute
paths, no ``..``, no backslashes or drive letters, no symlinks, no encrypted or duplicate
entries), the number of entries and the declared unpacked size are bounded, and so is the
compression ratio (zip bombs). While reading, the bytes actually produced are counted, so an
archive that lies about its sizes is stopped at the limit, not trusted.
"""

import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class PackageInvalid(Exception):
    """The package cannot be accepted; ``messages`` says why, each a translated sentence."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Limits:
    max_entries: int
    max_unpacked_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_entries=settings.INTERACTIVE_MAX_ENTRIES,
            max_unpacked_bytes=settings.INTERACTIVE_MAX_UNPACKED_BYTES,
            max_ratio=settings.INTERACTIVE_MAX_COMPRESSION_RATIO,
        )


def is_ignored(name: str) -> bool:
    """Files that archivers add by themselves (macOS resource forks, hidden files)."""
    parts = name.split("/")
    return any(p.startswith(".") or p == "__MACOSX" for p in parts if p)


def _unsafe_name_reason(name: str) -> str | None:
    if "\x00" in name:
        return _("The file name %(name)s contains a NUL character.")
    if "\\" in name:
        return _("The file name %(name)s uses backslashes; archives must use forward slashes.")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return _("The file %(name)s has an absolute path: it would escape the package.")
    if any(part == ".." for part in name.split("/")):
        return _("The file %(name)s points outside the package (it contains “..”).")
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


class SafeArchive:
    """An opened, checked zip archive. Use as a context manager."""

    def __init__(self, file, *, limits: Limits | None = None):
        self.limits = limits or Limits.from_settings()
        try:
            if hasattr(file, "seek"):
                file.seek(0)
            self.zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise PackageInvalid(
                _("The file is not a valid zip archive (an .h5p or SCORM package is a zip file).")
            ) from error
        self.entries: dict[str, zipfile.ZipInfo] = {}
        self._check()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def _check(self):
        infos = self.zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_entries:
            raise PackageInvalid(
                _("The archive holds %(count)s files; at most %(max)s are allowed.")
                % {"count": len(infos), "max": limits.max_entries}
            )
        problems = []
        total = 0
        compressed = 0
        for info in infos:
            name = info.filename
            reason = _unsafe_name_reason(name)
            if reason:
                problems.append(reason % {"name": name})
                continue
            if _is_symlink(info):
                problems.append(
                    _("The file %(name)s is a symbolic link; links are not allowed.")
                    % {"name": name}
                )
                continue
            if info.flag_bits & 0x1:
                problems.append(_("The file %(name)s is encrypted.") % {"name": name})
                continue
            if info.is_dir() or is_ignored(name):
                continue
            if name in self.entries:
                problems.append(_("The file %(name)s appears twice.") % {"name": name})
                continue
            ratio_base = max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and info.file_size / ratio_base > limits.max_ratio:
                problems.append(
                    _(
                        "The file %(name)s is compressed more than %(ratio)s times: "
                        "this looks like a zip bomb."
                    )
                    % {"name": name, "ratio": limits.max_ratio}
                )
                continue
            total += info.file_size
            compressed += info.compress_size
            self.entries[name] = info
        if problems:
            raise PackageInvalid(problems[:20])
        if total > limits.max_unpacked_bytes:
            raise PackageInvalid(
                _("Unpacked, the package would take %(size)s; at most %(max)s are allowed.")
                % {
                    "size": filesizeformat(total),
                    "max": filesizeformat(limits.max_unpacked_bytes),
                }
            )
        if total > 1024 * 1024 and total / max(compressed, 1) > limits.max_ratio:
            raise PackageInvalid(
                _(
                    "The package is compressed more than %(ratio)s times over: "
                    "this looks like a zip bomb."
                )
                % {"ratio": limits.max_ratio}
            )
        self.total_bytes = total

    def names(self) -> list[str]:
        return list(self.entries)

    def iter_chunks(self, name: str) -> Iterator[bytes]:
        """The entry's bytes, never more than its declared size (a lying header is refused)."""
        info = self.entries[name]
        produced = 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    produced += len(chunk)
                    if produced > info.file_size or produced > self.limits.max_unpacked_bytes:
                        raise PackageInvalid(
                            _("The file %(name)s is larger than the archive says.") % {"name": name}
                        )
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            # zipfile stops at the declared size; a lying header then fails its checksum.
            raise PackageInvalid(
                _("The file %(name)s in the archive is damaged.") % {"name": name}
            ) from error

    def read(self, name: str, *, max_bytes: int = 5 * 1024 * 1024) -> bytes:
        info = self.entries[name]
        if info.file_size > max_bytes:
            raise PackageInvalid(
                _("The file %(name)s is too large (at most %(max)s).")
                % {"name": name, "max": filesizeformat(max_bytes)}
            )
        return b"".join(self.iter_chunks(name))
