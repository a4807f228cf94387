"""What people type in the plain post textarea, turned into the HTML we show.

Blank lines make paragraphs, single line breaks stay line breaks, bare web addresses become
links, ``@username`` becomes a link to that person's directory entry, and the allowlisted
HTML tags (bold, lists, quotes, links ...) may be used directly. Everything then goes
through :func:`lms.sanitizer.sanitize_html`, the one gate for user HTML.
"""

import html as html_lib
import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from lms.sanitizer import sanitize_html, strip_bidi_controls

MENTION = re.compile(r"(?<![\w@/.])@([\w.+-]{2,150})", re.UNICODE)
BARE_URL = re.compile(r"(?<![\"'=>])\bhttps?://[^\s<>\"']{2,500}", re.IGNORECASE)
LINK = re.compile(r"<a\s[^>]*href=", re.IGNORECASE)
BLOCK_START = re.compile(r"^\s*<(ul|ol|blockquote|pre|h3|h4|table|p|hr)\b", re.IGNORECASE)
TAG = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    mentions: tuple[str, ...]
    link_count: int


def _outside_tags(chunk: str, function) -> str:
    """Apply ``function`` to the text between tags only, never inside a tag."""
    inside_anchor = False
    pieces = []
    for piece in TAG.split(chunk):
        if piece.startswith("<") and piece.endswith(">"):
            lowered = piece.lower()
            if lowered.startswith("<a ") or lowered == "<a>":
                inside_anchor = True
            elif lowered.startswith("</a"):
                inside_anchor = False
            pieces.append(piece)
        elif inside_anchor:
            pieces.append(piece)
        else:
            pieces.append(function(piece))
    return "".join(pieces)


def render(source: str, *, mention_url, known_usernames=None) -> Rendered:
    """Render ``source``. ``mention_url(username)`` gives the address a mention links to;
    ``known_usernames(names)`` returns the subset that exists (others stay plain text)."""
    source = strip_bidi_controls(source.replace("\r\n", "\n").replace("\r", "\n")).strip()
    candidates = {m.group(1).rstrip(".") for m in MENTION.finditer(strip_tags(source))}
    known = set(known_usernames(candidates)) if (candidates and known_usernames) else set()

    def linkify(text: str) -> str:
        def url(match):
            address = match.group(0).rstrip(".,;:!?)")
            trailing = match.group(0)[len(address) :]
            return f'<a href="{html_lib.escape(address)}">{address}</a>{trailing}'

        text = BARE_URL.sub(url, text)

        def mention(match):
            name = match.group(1).rstrip(".")
            if name not in known:
                return match.group(0)
            rest = match.group(1)[len(name) :]
            return f'<a href="{html_lib.escape(mention_url(name))}">@{name}</a>{rest}'

        return MENTION.sub(mention, text)

    blocks = []
    for chunk in re.split(r"\n\s*\n", source):
        chunk = chunk.strip()
        if not chunk:
            continue
        chunk = _outside_tags(chunk, linkify)
        if BLOCK_START.match(chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    cleaned = sanitize_html("\n".join(blocks))
    text = html_lib.unescape(strip_tags(cleaned))
    return Rendered(
        html=cleaned,
        text=" ".join(text.split()),
        mentions=tuple(sorted(known)),
        link_count=len(LINK.findall(cleaned)),
    )


def quote(*, author_name: str, text: str, post_number: int) -> str:
    """The markup that a "Quote" button puts in the reply box."""
    excerpt = text if len(text) <= 600 else text[:600].rsplit(" ", 1)[0] + " …"
    return (
        f'<blockquote cite="post-{post_number}">'
        f"<p><b>{html_lib.escape(author_name)}</b>:</p>"
        f"<p>{html_lib.escape(excerpt)}</p></blockquote>\n\n"
    )
