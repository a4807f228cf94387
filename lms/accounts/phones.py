"""Mobile phone numbers, kept in E.164 (``+84901234567``) so that an SMS provider takes
them as they are. Read with ``phonenumbers`` (the port of Google's libphonenumber), which
knows every country's numbering plan."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID = _("Enter a mobile phone number, with its country code if it is not from your country.")


def phone_to_e164(value: str, *, region: str | None = None) -> str:
    """The number in E.164, read as a number of ``region`` (an ISO 3166 code) when it has no
    country code; ValidationError when it is no possible number."""
    import phonenumbers  # its numbering plans (about 6 MB) only where a number is read

    try:
        number = phonenumbers.parse(value, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID, code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID, code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if not value:
        return
    if not value.startswith("+") or phone_to_e164(value) != value:
        raise ValidationError(INVALID, code="invalid")
