"""Where unpacked package files live in storage and at which address the package origin
serves them.

Storage layout (``STORAGES["interactive"]``: a folder outside MEDIA_ROOT in the demo, a
private prefix of the bucket in production)::

    interactive/h5p/libraries/<Machine.Name>-<major>.<minor>/...   shared by all content
    interactive/h5p/content/<uuid>/h5p.json, content/content.json, content/<media>
    interactive/scorm/<uuid>/...                                   the unpacked package
"""

import posixpath
import tempfile
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import File
from django.urls import reverse

ROOT = "interactive"
SERVED_PREFIXES = ("h5p/", "scorm/")
LIBRARIES = f"{ROOT}/h5p/libraries"


def storage():
    """Where unpacked packages live: ``STORAGES["interactive"]``, apart from the media files so
    that the media URL never serves their scripts; the default storage if it is not set."""
    from django.core.files.storage import default_storage, storages

    return storages["interactive"] if "interactive" in settings.STORAGES else default_storage


def package_origin(request=None) -> str:
    """The origin package files and players are served from ('' = this site, sandboxed)."""
    return settings.INTERACTIVE_PACKAGE_ORIGIN


def is_separate_origin() -> bool:
    return bool(settings.INTERACTIVE_PACKAGE_ORIGIN)


def sandbox_tokens() -> str:
    """What a package may do in its frame. Without a separate origin it never gets
    ``allow-same-origin``: it runs in an opaque origin, away from the site's cookies."""
    tokens = ["allow-scripts", "allow-forms", "allow-popups", "allow-downloads"]
    if is_separate_origin():
        tokens.append("allow-same-origin")
    return " ".join(tokens)


def file_url(relative: str) -> str:
    """The address of a stored file under ``interactive/`` (relative path without it)."""
    path = reverse("interactive_api:file", kwargs={"path": relative})
    return settings.INTERACTIVE_PACKAGE_ORIGIN + quote(path)


def player_url(name: str, **kwargs) -> str:
    return settings.INTERACTIVE_PACKAGE_ORIGIN + reverse(f"interactive_api:{name}", kwargs=kwargs)


def library_folder_url() -> str:
    return file_url("h5p/libraries").rstrip("/")


def stored_path(relative: str) -> str | None:
    """The storage name for a served path, or ``None`` if it is not one we serve."""
    normal = posixpath.normpath(relative)
    if normal != relative.rstrip("/") or normal.startswith(("/", "..")):
        return None
    if not normal.startswith(SERVED_PREFIXES):
        return None
    return f"{ROOT}/{normal}"


def save_stream(name: str, chunks) -> None:
    """Write (or overwrite) a stored file from an iterator of byte chunks."""
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as buffer:
        for chunk in chunks:
            buffer.write(chunk)
        buffer.seek(0)
        if storage().exists(name):
            storage().delete(name)
        storage().save(name, File(buffer))


def delete_tree(prefix: str) -> None:
    """Remove every stored file under ``prefix`` (a folder)."""
    try:
        directories, files = storage().listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        storage().delete(f"{prefix}/{name}")
    for directory in directories:
        delete_tree(f"{prefix}/{directory}")
