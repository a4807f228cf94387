"""Names and titles as plain text: without the invisible characters that reorder what a
reader sees (a name "‮fdp.exe" reads as "exe.pdf"). One function, applied to every name and
title field of every model before it is saved, whichever form, service or admin page set it."""

import re

from django.db.models import CharField
from django.db.models.signals import pre_save

# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), and the left-to-right
# and right-to-left marks (U+200E, U+200F), which can push a name's characters out of order.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")

# Fields holding a person's or an object's name or title.
NAME_FIELDS = frozenset(
    {
        "name",
        "title",
        "draft_title",
        "seo_title",
        "display_name",
        "first_name",
        "last_name",
        "subject",
    }
)


def without_direction_controls(value: str) -> str:
    return DIRECTION_CONTROLS.sub("", value)


def _clean_names(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for field in sender._meta.concrete_fields:
        if field.name in NAME_FIELDS and isinstance(field, CharField):
            value = getattr(instance, field.attname, None)
            if isinstance(value, str) and DIRECTION_CONTROLS.search(value):
                setattr(instance, field.attname, without_direction_controls(value))


def connect():
    pre_save.connect(_clean_names, dispatch_uid="lms.plain_text.clean_names")
