"""Where unpacked package files live in storage and at which address the package origin
serves them.

Storage layout (``STORAGES["interactive"]``: a folder outside MEDIA_ROOT in the demo, a
private prefix of the bucket in production)::

    interactive/h5p/libraries/<Machine.Name>-<major>.<minor>/...   shared by all content
    interactive/h5p/content/<uuid>/h5p.json, content/content.json, content/<media>
    interactive/scorm/<uuid>/...                                   the unpacked package
"""

import posixpath
import re
import tempfile
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.base import File
from django.urls import reverse

ROOT = "interactive"
SERVED_PREFIXES = ("h5p/", "scorm/", "cmi5/")
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


ORIGIN = re.compile(r"^https?://[a-z0-9.\-]+(:[0-9]{1,5})?$")


def clean_origin(value: str) -> str | None:
    """``https://host[:port]`` in lower case, or ``None`` if ``value`` is not only an origin
    (no path, no wildcard, no quotes: it goes into a Content Security Policy)."""
    value = (value or "").strip().rstrip("/").lower()
    return value if ORIGIN.match(value) else None


def package_host() -> str:
    origin = settings.INTERACTIVE_PACKAGE_ORIGIN
    return urlsplit(origin).netloc.lower() if origin else ""


def on_package_host(request) -> bool:
    """Does this request come to the separate package origin (never the site's own host)?"""
    host = package_host()
    if not host or request is None:
        return False
    try:
        return request.get_host().lower() == host
    except Exception:  # DisallowedHost: certainly not the package host
        return False


def sandbox_tokens(request=None, *, modals: bool = False) -> str:
    """What a package may do in its frame. ``allow-same-origin`` only on the separate package
    origin: everywhere else (the default mode, or a package path asked of the site's own host)
    the package runs in an opaque origin, away from the site's cookies and session.

    Without ``request`` (the frame's ``sandbox`` attribute on the site's page) the tokens are
    those of the configured mode; served files pass their request, so a package file fetched
    from the site's host never gets ``allow-same-origin`` whatever the setting.
    """
    tokens = ["allow-scripts", "allow-forms", "allow-popups", "allow-downloads"]
    if modals:
        tokens.append("allow-modals")
    if is_separate_origin() and (request is None or on_package_host(request)):
        tokens.append("allow-same-origin")
    return " ".join(tokens)


def file_url(relative: str) -> str:
    """The address of a stored file under ``interactive/`` (relative path without it). A
    query (a SCO's launch parameters, ``index.html?page=2``) stays a query, not part of the
    file name."""
    relative, _sep, query = relative.partition("?")
    path = reverse("interactive_api:file", kwargs={"path": relative})
    url = settings.INTERACTIVE_PACKAGE_ORIGIN + quote(path)
    return f"{url}?{query}" if query else url


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
