"""The admin forms that upload packages: the archive is checked as it is uploaded, so the
editor sees every reason it cannot be accepted, in their own language."""

import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.accounts.selectors import country_scope
from media_library.interactive import package_files
from media_library.interactive.archives import PackageInvalid, SafeArchive
from media_library.interactive.h5p_package import validate_h5p
from media_library.interactive.models import H5PContent
from media_library.interactive.scorm_package import parse_manifest
from media_library.interactive.services import installed_libraries, package_store

KEPT_SALT = "interactive.kept-upload"
KEPT_MAX_AGE = 24 * 60 * 60
KEPT_FOLDER = "interactive/kept"


def _keep_upload(upload) -> str:
    """Keep a checked upload while the form is shown again for another field's error; the
    signed token in the form says where (only this site can make one)."""
    name = (getattr(upload, "name", "") or "package.zip").rsplit("/", 1)[-1][:100]
    stored = f"{KEPT_FOLDER}/{secrets.token_hex(16)}/{name}"
    upload.seek(0)
    package_files.save_stream(stored, iter(lambda: upload.read(64 * 1024), b""))
    upload.seek(0)
    return signing.dumps({"path": stored, "name": name}, salt=KEPT_SALT)


def _kept_upload(token: str):
    try:
        data = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
    except signing.BadSignature:
        return None
    path = data.get("path", "")
    if not path.startswith(KEPT_FOLDER + "/") or ".." in path:
        return None
    storage = package_files.storage()
    if not storage.exists(path):
        return None
    file = File(storage.open(path, "rb"), name=data.get("name") or "package.zip")
    file.size = storage.size(path)
    return file


class KeptFileInput(forms.ClearableFileInput):
    """A file input that remembers a file already chosen and checked: when the form comes back
    for another field's error, the file is kept (and said so) unless another one is chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_token = ""
        self.kept_name = ""

    def kept_field(self, name):
        return f"{name}__kept"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload:
            return upload
        token = data.get(self.kept_field(name), "")
        kept = _kept_upload(token) if token else None
        if kept is not None:
            self.kept_token, self.kept_name = token, kept.name
            return kept
        return upload

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept_token:
            return html
        return html + format_html(
            '<input type="hidden" name="{}" value="{}"><p class="help">{}</p>',
            self.kept_field(name),
            self.kept_token,
            _("Kept: %(name)s (already checked). Choose another file only to replace it.")
            % {"name": self.kept_name},
        )


def localized_country_choices(queryset) -> list[tuple]:
    """One entry per country (the default-language rows other models point at), named in the
    editor's language."""
    from lms.taxonomy.models import Country
    from lms.taxonomy.selectors import terms_in_language

    names = terms_in_language(model=Country, language_code=get_language())
    countries = sorted(
        queryset, key=lambda c: str(getattr(names.get(c.code), "name", c.name)).casefold()
    )
    return [(c.pk, getattr(names.get(c.code), "name", c.name)) for c in countries]


class PackageForm(WagtailAdminModelForm):
    """Shared by the H5P and SCORM forms: checks the archive, the country, and saves
    through :func:`package_store` (which queues processing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            self.fields["source"].widget = KeptFileInput(attrs={"accept": ".h5p,.zip"})
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = gettext_lazy(
                "Leave empty to use the title inside the package."
            )
        if "source" in self.fields:
            self.fields["source"].required = self.instance.pk is None
            self.fields["source"].widget.attrs["accept"] = ".h5p,.zip"
        scope = country_scope(self.for_user) if self.for_user else None
        if "country" in self.fields:
            from lms.taxonomy.models import Country

            field = self.fields["country"]
            countries = Country.objects.canonical()
            if isinstance(scope, int) and not isinstance(scope, bool):
                countries = countries.filter(pk=scope)
                field.required = True
            elif scope is False and self.for_user is not None:
                countries = countries.filter(pk=self.for_user.country_id)
            field.queryset = countries
            choices = localized_country_choices(countries)
            if not field.required:
                choices = [("", _("Every country (shared)")), *choices]
            field.widget = forms.Select(choices=choices)
        if "allowed_origins" in self.fields:
            self.fields["allowed_origins"].widget = forms.Textarea(attrs={"rows": 3})

    def _check_archive(self, upload):
        raise NotImplementedError

    def clean_source(self):
        upload = self.cleaned_data.get("source")
        if not upload or upload == self.instance.source:
            return upload
        if upload.size > settings.INTERACTIVE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(max)s may be uploaded.")
                % {
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(settings.INTERACTIVE_MAX_UPLOAD_BYTES),
                }
            )
        try:
            with SafeArchive(upload) as archive:
                self.package_title = self._check_archive(archive)
        except PackageInvalid as error:
            raise forms.ValidationError(error.messages) from error
        upload.seek(0)
        self.new_upload = upload
        return upload

    def clean_allowed_origins(self):
        value = self.cleaned_data.get("allowed_origins") or ""
        origins, wrong = [], []
        for line in value.split():
            origin = package_files.clean_origin(line)
            if origin is None:
                wrong.append(line[:100])
            elif origin not in origins:
                origins.append(origin)
        if wrong:
            raise forms.ValidationError(
                _(
                    "Write one origin per line, like https://www.youtube.com (no path, no *): "
                    "%(wrong)s"
                )
                % {"wrong": ", ".join(wrong)}
            )
        return "\n".join(origins)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and getattr(self, "package_title", ""):
            cleaned["title"] = self.package_title
            self.instance.title = self.package_title
        elif not cleaned.get("title") and not self.instance.title and "source" not in self.errors:
            # A refused file says why; a title is asked for only when the file was fine.
            self.add_error("title", _("Give the package a title."))
        return cleaned

    def full_clean(self):
        super().full_clean()
        upload = getattr(self, "new_upload", None)
        widget = self.fields["source"].widget if "source" in self.fields else None
        if (
            upload is not None
            and self.errors
            and isinstance(widget, KeptFileInput)
            and not widget.kept_token
        ):
            widget.kept_token, widget.kept_name = _keep_upload(upload), upload.name

    def save(self, commit=True):
        package = super().save(commit=False)
        if package.pk is None and self.for_user is not None:
            package.uploaded_by = self.for_user
        upload = getattr(self, "new_upload", None)
        if upload is not None:
            # Keep the previous file field value untouched until package_store saves the new one.
            package.source = self.initial.get("source") or None
        package_store(package=package, file=upload)
        self.save_m2m()
        return package


class H5PContentForm(PackageForm):
    def _check_archive(self, archive):
        return validate_h5p(archive, installed=installed_libraries()).title

    def clean_variant_of(self):
        variant_of = self.cleaned_data.get("variant_of")
        if variant_of and self.instance.pk and variant_of.pk == self.instance.pk:
            raise forms.ValidationError(_("An exercise cannot be a translation of itself."))
        if variant_of and variant_of.variant_of_id:
            variant_of = variant_of.variant_of
        return variant_of

    class Meta:
        model = H5PContent
        fields = ["title", "source", "language", "country", "variant_of", "allowed_origins"]


class ScormPackageForm(PackageForm):
    def _check_archive(self, archive):
        return parse_manifest(archive).title


class Cmi5PackageForm(PackageForm):
    def _check_archive(self, archive):
        from media_library.interactive.cmi5_package import parse_course_structure

        return parse_course_structure(archive).title

    class Meta:
        from media_library.interactive.cmi5_models import Cmi5Package

        model = Cmi5Package
        fields = ["title", "source", "language", "country", "allowed_origins"]
