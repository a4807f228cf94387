"""Small display helpers for certification templates."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or an empty string."""
    return mapping.get(key, "") if mapping else ""


@register.inclusion_tag("certification/includes/dashboard_panel.html", takes_context=True)
def certification_panel(context):
    """A person's certificates and candidacies, for the portal's dashboard to include:
    ``{% load certification_tags %}{% certification_panel %}``. Three queries."""
    from certification import selectors

    user = context["request"].user
    if not user.is_authenticated:
        return {"show": False}
    certificates = list(selectors.certificates_of(user=user))
    candidacies = [
        c for c in selectors.candidacies_of(user=user) if c.status == c.Status.IN_PROGRESS
    ]
    programmes = {c.programme for c in certificates} | {c.programme for c in candidacies}
    return {
        "show": bool(certificates or candidacies),
        "certificates": certificates,
        "candidacies": candidacies,
        "titles": selectors.programme_titles(programmes),
    }
