"""WebVTT captions: a strict-enough parser that catches what breaks players on phones
(a missing header, malformed or backwards timings, cues past the end, markup that is not
WebVTT), and a cleaner that rewrites what it accepts in a canonical form."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

TIMING = re.compile(
    r"^(?P<start>(?:\d{2,}:)?\d{2}:\d{2}\.\d{3})\s+-->\s+"
    r"(?P<end>(?:\d{2,}:)?\d{2}:\d{2}\.\d{3})(?P<settings>(?:\s+\S+:\S+)*)\s*$"
)
ALLOWED_TAGS = re.compile(r"</?(?:c|i|b|u|v|lang|ruby|rt)(?:[.\s][^>]*)?>|<\d{2}:[\d:.]+>")
MAX_CUES = 5000


class CaptionError(Exception):
    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    identifier: str = ""
    settings: str = ""


def _seconds(stamp: str) -> float:
    parts = stamp.split(":")
    if len(parts) == 2:
        parts.insert(0, "0")
    hours, minutes, seconds = parts
    if int(minutes) > 59 or float(seconds) >= 60:
        raise ValueError(stamp)
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def parse_webvtt(text: str, *, duration: float | None = None) -> list[Cue]:
    """The cues of a WebVTT document; :class:`CaptionError` names the first problem."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise CaptionError(_("A WebVTT file must start with the word WEBVTT."), line=1)
    cues: list[Cue] = []
    index = 1
    # Skip the header block (anything until the first blank line).
    while index < len(lines) and lines[index].strip():
        index += 1
    while index < len(lines):
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines):
            break
        block_start = index
        block = []
        while index < len(lines) and lines[index].strip():
            block.append(lines[index])
            index += 1
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        identifier = ""
        if "-->" not in block[0]:
            identifier = block.pop(0).strip()
            if not block:
                raise CaptionError(
                    _("Line %(line)s: a cue needs a timing line such as 00:01.000 --> 00:04.000.")
                    % {"line": block_start + 1},
                    line=block_start + 1,
                )
        timing_line = block_start + (2 if identifier else 1)
        match = TIMING.match(block[0].strip())
        if not match:
            raise CaptionError(
                _("Line %(line)s: the timing must look like 00:01.000 --> 00:04.000.")
                % {"line": timing_line},
                line=timing_line,
            )
        try:
            start, end = _seconds(match["start"]), _seconds(match["end"])
        except ValueError:
            raise CaptionError(
                _("Line %(line)s: minutes and seconds must be below 60.") % {"line": timing_line},
                line=timing_line,
            ) from None
        if end <= start:
            raise CaptionError(
                _("Line %(line)s: a cue must end after it starts.") % {"line": timing_line},
                line=timing_line,
            )
        if cues and start < cues[-1].start:
            raise CaptionError(
                _("Line %(line)s: cues must be in order of their start time.")
                % {"line": timing_line},
                line=timing_line,
            )
        if duration and start > duration + 0.5:
            raise CaptionError(
                _("Line %(line)s: this cue starts after the video ends.") % {"line": timing_line},
                line=timing_line,
            )
        body = "\n".join(block[1:]).strip()
        if not body:
            raise CaptionError(
                _("Line %(line)s: a cue has no text.") % {"line": timing_line}, line=timing_line
            )
        stripped = ALLOWED_TAGS.sub("", body)
        if re.search(r"<[^>]*>", stripped):
            raise CaptionError(
                _("Line %(line)s: only WebVTT tags such as <i>, <b> and <v Name> are allowed.")
                % {"line": timing_line},
                line=timing_line,
            )
        cues.append(Cue(start, end, body, identifier, (match["settings"] or "").strip()))
        if len(cues) > MAX_CUES:
            raise CaptionError(_("A caption file may have at most 5,000 cues."))
    if not cues:
        raise CaptionError(_("The caption file has no cues."))
    return cues


def _stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def render_webvtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT"]
    for cue in cues:
        timing = f"{_stamp(cue.start)} --> {_stamp(cue.end)}"
        if cue.settings:
            timing += f" {cue.settings}"
        head = f"{cue.identifier}\n" if cue.identifier else ""
        blocks.append(f"{head}{timing}\n{cue.text}")
    return "\n\n".join(blocks) + "\n"
