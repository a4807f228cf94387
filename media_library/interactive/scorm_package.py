"""Reading a SCORM package's ``imsmanifest.xml``, SCORM 1.2 and SCORM 2004 (2nd, 3rd and 4th
edition) alike.

Elements are matched by their local name, whatever namespace prefix or default namespace
the authoring tool chose (the IMS content-packaging namespaces differ between 1.2 and 2004,
and tools write ``adlcp:scormtype`` in 1.2 but ``adlcp:scormType`` in 2004). The version
comes from ``<schemaversion>`` and, failing that, from the ADL namespace in use. The manifest
is parsed with defusedxml: no entities, no external references.
"""

import math
import posixpath
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from media_library.interactive.archives import PackageInvalid, SafeArchive

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
BLOCKED_EXTENSIONS = {"exe", "dll", "bat", "cmd", "com", "msi", "sh", "ps1", "jar", "scr", "vbs"}

VERSION_12 = "1.2"
VERSION_2004_2 = "2004-2"
VERSION_2004_3 = "2004-3"
VERSION_2004_4 = "2004-4"


@dataclass
class ScormItem:
    identifier: str
    title: str
    launch: str = ""  # path inside the package, with its parameters; empty for a folder item
    is_sco: bool = False
    mastery_score: float | None = None
    children: list["ScormItem"] = field(default_factory=list)
    visible: bool = True
    launch_data: str = ""  # adlcp:dataFromLMS
    completion_threshold: float | None = None  # 2004: adlcp:completionThreshold
    sequencing: dict = field(default_factory=dict)  # see _sequencing()


@dataclass
class ScormOrganisation:
    identifier: str
    title: str
    items: list[ScormItem]
    sequencing: dict = field(default_factory=dict)


@dataclass
class ScormManifest:
    version: str
    title: str
    default_organisation: str
    organisations: list[ScormOrganisation]

    def launchable(self) -> list[tuple[str, ScormItem]]:
        """Every item that launches something, in manifest order, with its organisation."""
        found = []

        def walk(org, items):
            for item in items:
                if item.launch:
                    found.append((org.identifier, item))
                walk(org, item.children)

        for org in self.organisations:
            walk(org, org.items)
        return found

    def as_json(self) -> dict:
        return asdict(self)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name):
    found = _children(element, name)
    return found[0] if found else None


def _text(element, name, default=""):
    child = _child(element, name) if element is not None else None
    return (child.text or "").strip() if child is not None and child.text else default


def _attribute(element, name):
    """An attribute by local name, in any namespace (``adlcp:scormtype`` or ``scormType``)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _namespaces_used(root) -> set[str]:
    spaces = set()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            spaces.add(element.tag[1:].split("}", 1)[0])
        for key in element.attrib:
            if key.startswith("{"):
                spaces.add(key[1:].split("}", 1)[0])
    return spaces


def _version(root) -> str:
    metadata = _child(root, "metadata")
    schema_version = _text(metadata, "schemaversion").lower() if metadata is not None else ""
    if schema_version in {"1.2"}:
        return VERSION_12
    if "4th" in schema_version:
        return VERSION_2004_4
    if "3rd" in schema_version:
        return VERSION_2004_3
    if schema_version in {"cam 1.3", "2004 2nd edition"}:
        return VERSION_2004_2
    spaces = _namespaces_used(root)
    if ADLCP_2004 in spaces or any("imsss" in s or "adlseq" in s for s in spaces):
        return VERSION_2004_3 if not schema_version else VERSION_2004_4
    if ADLCP_12 in spaces:
        return VERSION_12
    raise PackageInvalid(
        _(
            "imsmanifest.xml does not say which SCORM version it follows "
            "(schemaversion 1.2, or 2004 3rd/4th Edition)."
        )
    )


def _join(*parts) -> str:
    path = ""
    for part in parts:
        if part:
            path = posixpath.join(path, part) if path else part
    return path


def _mastery(item, version) -> float | None:
    """The score (0-100) an item must reach. "NaN", "1e309" or 500 are not scores: kept,
    they went into the stored manifest, a JSON document, which cannot hold NaN or Infinity
    (PostgreSQL's jsonb refuses them), and would decide nothing sensible."""
    raw = _text(item, "masteryscore")
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not 0 <= value <= 100:
            raise PackageInvalid(
                _(
                    "The item %(item)s has a mastery score that is not a number from 0 to 100: "
                    "%(value)s."
                )
                % {"item": item.get("identifier", "?")[:200], "value": raw[:50]}
            ) from None
        return value
    if version != VERSION_12:
        sequencing = _child(item, "sequencing")
        objectives = _child(sequencing, "objectives") if sequencing is not None else None
        primary = _child(objectives, "primaryObjective") if objectives is not None else None
        if primary is not None and (primary.get("satisfiedByMeasure") or "").lower() == "true":
            measure = _text(primary, "minNormalizedMeasure")
            try:
                value = float(measure) * 100 if measure else None
            except ValueError:
                return None
            # A measure is from -1 to 1 (SCORM 2004 SN); only 0 to 1 can be reached.
            if value is None or not math.isfinite(value) or not 0 <= value <= 100:
                return None
            return value
    return None


def _bool(value, default: bool) -> bool:
    if value is None:
        return default
    return str(value).strip().lower() in {"true", "1"}


def _rules(element, name: str) -> list[dict]:
    """``preConditionRule`` / ``postConditionRule`` / ``exitConditionRule`` elements."""
    rules = []
    for rule in _children(element, name):
        conditions_element = _child(rule, "ruleConditions")
        action = _child(rule, "ruleAction")
        if conditions_element is None or action is None:
            continue
        conditions = [
            {
                "condition": condition.get("condition") or "",
                "operator": (condition.get("operator") or "noOp"),
                "objective": condition.get("referencedObjective") or "",
            }
            for condition in _children(conditions_element, "ruleCondition")
        ]
        rules.append(
            {
                "combination": conditions_element.get("conditionCombination") or "all",
                "conditions": conditions,
                "action": action.get("action") or "",
            }
        )
    return rules


def _sequencing(element) -> dict:
    """The simple sequencing the common authoring tools write: control modes, pre-, post- and
    exit-condition rules, delivery controls, and objectives mapped to global ones (for
    prerequisites). Rollup rules, limits other than attempts, randomisation and shared
    sequencing collections are not read (docs/rooms/interactive.md)."""
    sequencing = _child(element, "sequencing")
    if sequencing is None:
        return {}
    result: dict = {}
    control = _child(sequencing, "controlMode")
    if control is not None:
        result["control"] = {
            "choice": _bool(control.get("choice"), True),
            "choiceExit": _bool(control.get("choiceExit"), True),
            "flow": _bool(control.get("flow"), False),
            "forwardOnly": _bool(control.get("forwardOnly"), False),
        }
    rules = _child(sequencing, "sequencingRules")
    if rules is not None:
        for key, name in (
            ("pre", "preConditionRule"),
            ("post", "postConditionRule"),
            ("exit", "exitConditionRule"),
        ):
            found = _rules(rules, name)
            if found:
                result[key] = found
    limit = _child(sequencing, "limitConditions")
    if limit is not None and (limit.get("attemptLimit") or "").isdigit():
        result["attemptLimit"] = int(limit.get("attemptLimit"))
    delivery = _child(sequencing, "deliveryControls")
    if delivery is not None:
        result["completionSetByContent"] = _bool(delivery.get("completionSetByContent"), False)
        result["objectiveSetByContent"] = _bool(delivery.get("objectiveSetByContent"), False)
    objectives = _child(sequencing, "objectives")
    if objectives is not None:
        mapped = []
        for objective in list(objectives):
            local = _local(objective.tag)
            if local not in {"primaryObjective", "objective"}:
                continue
            for info in _children(objective, "mapInfo"):
                mapped.append(
                    {
                        "id": objective.get("objectiveID") or "",
                        "primary": local == "primaryObjective",
                        "target": info.get("targetObjectiveID") or "",
                        "read": _bool(info.get("readSatisfiedStatus"), True),
                        "write": _bool(info.get("writeSatisfiedStatus"), False),
                    }
                )
            if local == "primaryObjective" and objective.get("objectiveID"):
                result["primaryObjective"] = objective.get("objectiveID")
        if mapped:
            result["objectives"] = mapped
    return result


def _threshold(item) -> float | None:
    element = _child(item, "completionThreshold")
    if element is None:
        return None
    raw = element.get("minProgressMeasure") or (element.text or "").strip()
    if _bool(element.get("completedByMeasure"), True) is False:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def refuse_programs(names) -> None:
    """Refuse a package that carries programs (Windows executables, scripts, Java archives):
    no e-learning package needs them, and a learner could be led to download one."""
    blocked = sorted(
        n for n in names if n.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() in BLOCKED_EXTENSIONS
    )
    if blocked:
        raise PackageInvalid(
            _("The package holds programs that have no place in e-learning: %(files)s.")
            % {"files": ", ".join(blocked[:10])}
        )


def parse_manifest(archive: SafeArchive) -> ScormManifest:
    names = set(archive.names())
    if "imsmanifest.xml" not in names:
        raise PackageInvalid(
            _("This is not a SCORM package: imsmanifest.xml is missing at the top of the archive.")
        )
    refuse_programs(names)
    raw = archive.read("imsmanifest.xml")
    try:
        root = ElementTree.fromstring(raw, forbid_dtd=False)
    except DefusedXmlException as error:
        raise PackageInvalid(
            _("imsmanifest.xml declares entities or external references, which are not allowed.")
        ) from error
    except ElementTree.ParseError as error:
        raise PackageInvalid(
            _("imsmanifest.xml is not well-formed XML: %(reason)s") % {"reason": str(error)}
        ) from error
    if _local(root.tag) != "manifest":
        raise PackageInvalid(_("imsmanifest.xml must have <manifest> as its root element."))
    version = _version(root)

    resources_element = _child(root, "resources")
    resources = {}
    base = (resources_element.get(XML_BASE) or "") if resources_element is not None else ""
    base = _join(root.get(XML_BASE) or "", base)
    for resource in (
        _children(resources_element, "resource") if resources_element is not None else []
    ):
        identifier = resource.get("identifier")
        if identifier:
            resources[identifier] = (resource, _join(base, resource.get(XML_BASE) or ""))

    organisations_element = _child(root, "organizations")
    if organisations_element is None or not _children(organisations_element, "organization"):
        raise PackageInvalid(
            _("imsmanifest.xml has no <organization>: there is nothing to launch.")
        )

    def item_of(element) -> ScormItem:
        identifier = element.get("identifier") or ""
        title = _text(element, "title") or identifier
        item = ScormItem(
            identifier=identifier,
            title=title[:200],
            visible=_bool(element.get("isvisible"), True),
            launch_data=_text(element, "dataFromLMS")[:4000],
            completion_threshold=_threshold(element),
            sequencing=_sequencing(element),
        )
        ref = element.get("identifierref")
        if ref:
            if ref not in resources:
                raise PackageInvalid(
                    _(
                        "The item %(item)s refers to the resource %(resource)s, "
                        "which the manifest does not define."
                    )
                    % {"item": identifier, "resource": ref}
                )
            resource, resource_base = resources[ref]
            href = resource.get("href") or ""
            if not href:
                raise PackageInvalid(
                    _("The resource %(resource)s has no href to launch.") % {"resource": ref}
                )
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("/"):
                raise PackageInvalid(
                    _(
                        "The resource %(resource)s launches an outside address (%(href)s); "
                        "a package must launch its own files."
                    )
                    % {"resource": ref, "href": href}
                )
            path = posixpath.normpath(_join(resource_base, parts.path))
            if path.startswith("../") or path == "..":
                raise PackageInvalid(
                    _("The resource %(resource)s points outside the package.") % {"resource": ref}
                )
            if path not in names:
                raise PackageInvalid(
                    _("The resource %(resource)s launches %(path)s, which is not in the package.")
                    % {"resource": ref, "path": path}
                )
            query = parts.query
            parameters = (element.get("parameters") or "").lstrip("?&")
            if parameters:
                query = f"{query}&{parameters}" if query else parameters
            item.launch = path + (f"?{query}" if query else "")
            scorm_type = (_attribute(resource, "scormtype") or "").lower()
            item.is_sco = scorm_type == "sco"
            item.mastery_score = _mastery(element, version)
        item.children = [item_of(child) for child in _children(element, "item")]
        return item

    organisations = []
    for element in _children(organisations_element, "organization"):
        identifier = element.get("identifier") or f"org-{len(organisations) + 1}"
        items = [item_of(child) for child in _children(element, "item")]
        organisations.append(
            ScormOrganisation(
                identifier=identifier,
                title=_text(element, "title") or identifier,
                items=items,
                sequencing=_sequencing(element),
            )
        )
    default = organisations_element.get("default") or organisations[0].identifier
    if default not in {o.identifier for o in organisations}:
        raise PackageInvalid(
            _("The default organization %(organisation)s is not defined in the manifest.")
            % {"organisation": default}
        )
    manifest = ScormManifest(
        version=version,
        title=next(o.title for o in organisations if o.identifier == default)[:200],
        default_organisation=default,
        organisations=organisations,
    )
    if not manifest.launchable():
        raise PackageInvalid(_("No item of the manifest launches a resource."))
    return manifest
