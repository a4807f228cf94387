"""Small display helpers for media templates."""

from django import template

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """``83.4`` → ``1:23``; ``3700`` → ``1:01:40``."""
    try:
        total = round(float(seconds))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.simple_tag(takes_context=True)
def media_js_messages(context):
    """The player's and reader's interface text, in the page language, for the scripts
    (read from a JSON script element: no extra request for a catalogue). Written once per
    page, however many players it has."""
    request = context.get("request")
    if request is not None:
        if getattr(request, "_media_js_messages", False):
            return ""
        request._media_js_messages = True
    from django.utils.html import json_script
    from django.utils.translation import gettext as _

    messages = {
        "save": _("Save for offline"),
        "saving": _("Saving…"),
        "saved": _("Saved on this phone"),
        "remove": _("Remove from phone"),
        "removed": _("Removed from this phone"),
        "failed": _("Could not save. Check your connection and try again."),
        "noSpace": _("There is not enough space on this phone."),
        "unsupported": _("This browser cannot save for offline."),
        "sizeOf": _("Size: %(size)s"),
        "persisted": _("Your phone keeps it until you remove it."),
        "mayEvict": _("Your phone may remove it if its storage runs low."),
        "panelOf": _("%(number)s of %(total)s"),
        "kb": _("%(n)s KB"),
        "mb": _("%(n)s MB"),
    }
    return json_script(messages, "media-messages")
