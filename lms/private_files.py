"""Private uploads: evidence, CPD records, community attachments, report exports, certificates.

They are stored apart from public media (``MEDIA_ROOT`` is served by the web server and the
CDN as it is) under an unguessable name, and reach a browser only through a view that has
checked permission (decision 0006):

- on local disk, with ``PRIVATE_MEDIA_ACCEL_PREFIX`` set (production behind nginx), the view
  answers with ``X-Accel-Redirect`` and nginx sends the file from an ``internal`` location;
- with object storage, the view redirects to a signed address that expires after
  ``PRIVATE_MEDIA_URL_SECONDS`` (django-storages' query-string authentication);
- otherwise (the demo, tests) the view streams the file itself.
"""

import os
import secrets
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.encoding import iri_to_uri


def private_storage():
    """The storage of private uploads (``STORAGES["private"]``); a callable so that model
    fields and their migrations do not depend on the deployment's choice."""
    return storages["private"]


@deconstructible(path="lms.private_files.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files under ``PRIVATE_MEDIA_ROOT``; they have no public address."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no public address: serve them through a view.")


@deconstructible(path="lms.private_files.PrivateUploadTo")
class PrivateUploadTo:
    """``upload_to`` for private files: ``<prefix>/<random token>/<original name>``, so that
    no name can be guessed from a date, an id or a neighbour's name."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename):
        name = os.path.basename(filename) or "file"
        return f"{self.prefix}/{secrets.token_urlsafe(18)}/{name}"

    def __eq__(self, other):
        return isinstance(other, PrivateUploadTo) and other.prefix == self.prefix


def private_file_response(
    field, *, filename: str, as_attachment: bool = True, content_type: str | None = None
):
    """The answer of a view that has checked permission to ``field`` (a FieldFile)."""
    storage = field.storage
    accel_prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    disposition = "attachment" if as_attachment else "inline"
    if accel_prefix and isinstance(storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = iri_to_uri(
            accel_prefix.rstrip("/") + "/" + quote(field.name)
        )
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        return response
    if not isinstance(storage, FileSystemStorage):
        # Object storage: a signed address that expires soon. The file name is given to the
        # store as the download name.
        url = storage.url(
            field.name,
            parameters={
                "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"
            },
            expire=getattr(settings, "PRIVATE_MEDIA_URL_SECONDS", 300),
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    response = FileResponse(field.open("rb"), as_attachment=as_attachment, filename=filename)
    if content_type:
        response["Content-Type"] = content_type
    return response


def private_file_move(field) -> bool:
    """Move a file saved by an older release under public media into private storage, under
    an unguessable name; returns whether it moved. For the data migrations."""
    from django.core.files.storage import default_storage

    name = field.name
    if not name or private_storage().exists(name):
        return False
    if not default_storage.exists(name):
        return False
    upload_to = field.field.upload_to
    new_name = upload_to(field.instance, name) if callable(upload_to) else name
    with default_storage.open(name, "rb") as source:
        saved = private_storage().save(new_name, source)
    default_storage.delete(name)
    field.name = saved
    return True
