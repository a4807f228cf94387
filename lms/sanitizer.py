"""The one place where HTML written by people becomes HTML we show to other people.

Every room that stores or shows user-written rich text passes it through
:func:`sanitize_html` (on write, and may do so again on read). The allowlist is explicit:
no scripts, styles, event handlers, forms, frames, SVG or MathML; links only to
``http``, ``https`` and ``mailto`` and always ``rel="nofollow noopener ugc"``; images only
from our own storage (``SANITIZER_IMAGE_URL_PREFIXES``); and the bidirectional override
characters that can disguise text or file names are removed.
"""

import re
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
}
# Tags whose content goes too, not only the tag.
REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "svg", "math", "noscript"}
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"

# Embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069): they can make
# "evil\u202eexe.pdf" read as "evilfdp.exe". The marks U+200E/U+200F stay: Arabic needs them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Other invisible characters that have no business in text and can hide a payload.
INVISIBLE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")


def strip_bidi_controls(text: str) -> str:
    """Plain text (titles, names) without direction overrides or control characters."""
    return INVISIBLE_CONTROLS.sub("", BIDI_CONTROLS.sub("", text))


def _image_source_allowed(value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or ".." in parts.path:
        return False
    prefixes = getattr(settings, "SANITIZER_IMAGE_URL_PREFIXES", None) or [settings.MEDIA_URL]
    return any(value.startswith(prefix) for prefix in prefixes if prefix.startswith("/"))


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _image_source_allowed(value.strip()) else None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) <= 4 else None
    if tag == "th" and attribute == "scope":
        return value if value in {"row", "col"} else None
    if tag == "blockquote" and attribute == "cite":
        # Only our own "post-123" style references; never a URL.
        return value if re.fullmatch(r"[a-z]+-\d+", value) else None
    return value


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowlist. Safe to call again on its own output."""
    if not html:
        return ""
    # Imported here: every worker loads this module (uploads check file names with
    # strip_bidi_controls), fewer of them clean HTML (decision 0617).
    import nh3

    cleaned = nh3.clean(
        strip_bidi_controls(html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
    )
    # An <img> that lost its source is an empty box: drop it.
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)


@lru_cache(maxsize=2048)
def sanitize_html_cached(html: str) -> str:
    """:func:`sanitize_html` remembered per process, keyed on the stored HTML itself: pages
    that show the same posts again (a thread read by many people) clean each one once, and
    an edited post, whose HTML changed, is cleaned afresh on the next request. A change to
    the allowlist is a deploy, which starts new processes."""
    return sanitize_html(html)
