"""The People admin's bulk upload: choose a file, see every row and its errors, confirm."""

import base64

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lms.accounts.people_import import COLUMNS, people_import_plan, people_import_run
from lms.accounts.permissions import grantable_roles

MAX_BYTES = 2 * 1024 * 1024
SALT = "lms.accounts.people_import"


class PeopleFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("People (CSV or XLSX)"),
        help_text=gettext_lazy(
            "Columns: username (required), display_name, email, country (code, e.g. vn), "
            "organisation (its name), roles (codes separated by commas), language."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


def people_import_view(request):
    actor = request.user
    if not grantable_roles(actor):
        raise PermissionDenied
    form = PeopleFileForm()
    plan = payload = None
    status = 200
    if request.method == "POST" and "payload" in request.POST:
        try:
            saved = signing.loads(request.POST["payload"], salt=SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, _("This preview has expired. Upload the file again."))
            return redirect("people:import")
        if saved["user"] != actor.pk:
            raise PermissionDenied
        data = base64.b64decode(saved["data"])
        try:
            people = people_import_run(actor=actor, data=data, filename=saved["name"])
        except ValidationError:
            plan = people_import_plan(actor=actor, data=data, filename=saved["name"])
            status = 400
        else:
            messages.success(
                request,
                ngettext("%(count)s person was added.", "%(count)s people were added.", len(people))
                % {"count": len(people)},
            )
            return redirect("people:index")
    elif request.method == "POST":
        form = PeopleFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            plan = people_import_plan(actor=actor, data=data, filename=upload.name)
            if plan.valid:
                payload = signing.dumps(
                    {
                        "user": actor.pk,
                        "name": upload.name,
                        "data": base64.b64encode(data).decode(),
                    },
                    salt=SALT,
                    compress=True,
                )
            else:
                status = 400
        else:
            status = 400
    return TemplateResponse(
        request,
        "accounts/admin/people_import.html",
        {"form": form, "plan": plan, "payload": payload, "columns": COLUMNS},
        status=status,
    )
