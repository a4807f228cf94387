"""The admin forms that upload packages: the archive is checked as it is uploaded, so the
editor sees every reason it cannot be accepted, in their own language."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from lms.accounts.selectors import country_scope
from media_library.interactive.archives import PackageInvalid, SafeArchive
from media_library.interactive.h5p_package import validate_h5p
from media_library.interactive.models import H5PContent
from media_library.interactive.scorm_package import parse_manifest
from media_library.interactive.services import installed_libraries, package_store


class PackageForm(WagtailAdminModelForm):
    """Shared by the H5P and SCORM forms: checks the archive, the country, and saves
    through :func:`package_store` (which queues processing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = gettext_lazy(
                "Leave empty to use the title inside the package."
            )
        if "source" in self.fields:
            self.fields["source"].required = self.instance.pk is None
            self.fields["source"].widget.attrs["accept"] = ".h5p,.zip"
        scope = country_scope(self.for_user) if self.for_user else None
        if "country" in self.fields and isinstance(scope, int) and scope is not True:
            self.fields["country"].queryset = self.fields["country"].queryset.filter(pk=scope)
            self.fields["country"].required = True

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

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and getattr(self, "package_title", ""):
            cleaned["title"] = self.package_title
            self.instance.title = self.package_title
        elif not cleaned.get("title") and not self.instance.title:
            self.add_error("title", _("Give the package a title."))
        return cleaned

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
        fields = ["title", "source", "language", "country", "variant_of"]


class ScormPackageForm(PackageForm):
    def _check_archive(self, archive):
        return parse_manifest(archive).title
