"""Reading a cmi5 course package: a zip with ``cmi5.xml`` at its top (cmi5, sections 13-14).

The course structure holds one ``<course>`` and, in document order, ``<au>`` elements and
``<block>`` elements (which hold AUs and further blocks). Elements are matched by local
name, whatever the namespace prefix; the file is parsed with defusedxml (no entities, no
external references). AUs launch files of the package: an outside address is refused, as
for SCORM packages (content runs from the package origin, sandboxed).
"""

import posixpath
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from media_library.interactive.archives import PackageInvalid, SafeArchive
from media_library.interactive.scorm_package import refuse_programs

MOVE_ON = {"Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"}
LAUNCH_METHODS = {"AnyWindow", "OwnWindow"}
MAX_AUS = 2000


@dataclass
class Cmi5AuSpec:
    publisher_id: str
    title: str
    url: str
    move_on: str = "NotApplicable"
    mastery_score: float | None = None
    launch_method: str = "AnyWindow"
    launch_parameters: str = ""
    entitlement_key: str = ""
    blocks: list[str] = field(default_factory=list)  # publisher ids, outermost first


@dataclass
class Cmi5Course:
    course_id: str
    title: str
    aus: list[Cmi5AuSpec]
    blocks: list[dict]  # {"id", "title", "parents": [...]} in document order

    def as_json(self) -> dict:
        return asdict(self)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, name):
    return next((c for c in element if _local(c.tag) == name), None)


def _langstring(element, name) -> str:
    """The first ``<langstring>`` of a title or description (the course's language first
    is not knowable here; authors put their main language first)."""
    holder = _child(element, name)
    if holder is None:
        return ""
    for string in holder:
        if _local(string.tag) == "langstring" and (string.text or "").strip():
            return string.text.strip()
    return (holder.text or "").strip()


def _text(element, name) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _au(element, names: set[str], blocks: list[str]) -> Cmi5AuSpec:
    publisher_id = (element.get("id") or "").strip()
    if not publisher_id:
        raise PackageInvalid(_("An <au> in cmi5.xml has no id."))
    title = _langstring(element, "title") or publisher_id
    url = _text(element, "url")
    if not url:
        raise PackageInvalid(_("The AU %(au)s has no <url> to launch.") % {"au": publisher_id})
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        raise PackageInvalid(
            _(
                "The AU %(au)s launches an outside address (%(url)s); a package must launch "
                "its own files."
            )
            % {"au": publisher_id, "url": url}
        )
    path = posixpath.normpath(parts.path)
    if path.startswith("../") or path == ".." or path not in names:
        raise PackageInvalid(
            _("The AU %(au)s launches %(path)s, which is not in the package.")
            % {"au": publisher_id, "path": parts.path}
        )
    move_on = element.get("moveOn") or "NotApplicable"
    if move_on not in MOVE_ON:
        raise PackageInvalid(
            _("The AU %(au)s has an unknown moveOn value: %(value)s.")
            % {"au": publisher_id, "value": move_on}
        )
    mastery = element.get("masteryScore")
    mastery_score = None
    if mastery not in (None, ""):
        try:
            mastery_score = float(mastery)
        except ValueError:
            mastery_score = -1.0
        if not 0 <= mastery_score <= 1:
            raise PackageInvalid(
                _("The AU %(au)s has a masteryScore that is not between 0 and 1: %(value)s.")
                % {"au": publisher_id, "value": mastery}
            )
    launch_method = element.get("launchMethod") or "AnyWindow"
    if launch_method not in LAUNCH_METHODS:
        launch_method = "AnyWindow"
    entitlement = _child(element, "entitlementKey")
    return Cmi5AuSpec(
        publisher_id=publisher_id[:1000],
        title=title[:200],
        url=path + (f"?{parts.query}" if parts.query else ""),
        move_on=move_on,
        mastery_score=mastery_score,
        launch_method=launch_method,
        launch_parameters=_text(element, "launchParameters")[:4000],
        entitlement_key=(
            (entitlement.text or "").strip()[:1000] if entitlement is not None else ""
        ),
        blocks=list(blocks),
    )


def parse_course_structure(archive: SafeArchive) -> Cmi5Course:
    names = set(archive.names())
    if "cmi5.xml" not in names:
        raise PackageInvalid(
            _("This is not a cmi5 package: cmi5.xml is missing at the top of the archive.")
        )
    refuse_programs(names)
    try:
        root = ElementTree.fromstring(archive.read("cmi5.xml"), forbid_dtd=False)
    except DefusedXmlException as error:
        raise PackageInvalid(
            _("cmi5.xml declares entities or external references, which are not allowed.")
        ) from error
    except ElementTree.ParseError as error:
        raise PackageInvalid(
            _("cmi5.xml is not well-formed XML: %(reason)s") % {"reason": str(error)}
        ) from error
    if _local(root.tag) != "courseStructure":
        raise PackageInvalid(_("cmi5.xml must have <courseStructure> as its root element."))
    course = _child(root, "course")
    if course is None or not (course.get("id") or "").strip():
        raise PackageInvalid(_("cmi5.xml needs a <course> with an id."))
    aus: list[Cmi5AuSpec] = []
    blocks: list[dict] = []
    seen: set[str] = set()

    def walk(element, parents: list[str]):
        for child in element:
            name = _local(child.tag)
            if name == "au":
                au = _au(child, names, parents)
                if au.publisher_id in seen:
                    raise PackageInvalid(
                        _("The id %(id)s is used twice in cmi5.xml.") % {"id": au.publisher_id}
                    )
                seen.add(au.publisher_id)
                aus.append(au)
                if len(aus) > MAX_AUS:
                    raise PackageInvalid(_("cmi5.xml lists too many AUs."))
            elif name == "block":
                block_id = (child.get("id") or "").strip()
                if not block_id or block_id in seen:
                    raise PackageInvalid(_("Each <block> in cmi5.xml needs an id of its own."))
                seen.add(block_id)
                blocks.append(
                    {
                        "id": block_id[:1000],
                        "title": (_langstring(child, "title") or block_id)[:200],
                        "parents": list(parents),
                    }
                )
                walk(child, [*parents, block_id[:1000]])

    walk(root, [])
    if not aus:
        raise PackageInvalid(_("cmi5.xml lists no assignable unit (<au>): nothing to launch."))
    return Cmi5Course(
        course_id=course.get("id").strip()[:1000],
        title=(_langstring(course, "title") or aus[0].title)[:200],
        aus=aus,
        blocks=blocks,
    )
