"""The H5P core's own interface strings, translated, so the player speaks the page's language
(h5p-standalone merges them over its English defaults)."""

from django.utils.translation import gettext_lazy as _

H5P_CORE_STRINGS = {
    "fullscreen": _("Fullscreen"),
    "disableFullscreen": _("Exit fullscreen"),
    "close": _("Close"),
    "title": _("Title"),
    "author": _("Author"),
    "license": _("Licence"),
    "copyrights": _("Rights of use"),
    "copyrightInformation": _("Rights of use"),
    "contentChanged": _("This content has changed since you last used it."),
    "startingOver": _("You will be starting over."),
    "confirmDialogHeader": _("Confirm action"),
    "confirmDialogBody": _("Please confirm that you wish to go on. This cannot be undone."),
    "cancelLabel": _("Cancel"),
    "confirmLabel": _("Confirm"),
    "connectionLost": _(
        "Connection lost. Your results will be kept and sent when you are back online."
    ),
    "connectionReestablished": _("Connection is back."),
}


def h5p_translations() -> dict:
    """In the active language."""
    return {"H5P": {key: str(value) for key, value in H5P_CORE_STRINGS.items()}}
