"""What an .h5p file must hold, checked before anything of it is stored.

An .h5p file is a zip with ``h5p.json`` (title, main library, dependencies), the content in
``content/content.json`` (plus its media under ``content/``), and usually the libraries it
needs, one folder each (``H5P.MultiChoice-1.16/library.json`` ...). Every library the content
names, directly or through another library, must be in the package or already installed.
File types follow H5P's own allowlist; libraries may also carry JavaScript and CSS.
"""

import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from media_library.interactive.archives import PackageInvalid, SafeArchive

MACHINE_NAME = re.compile(r"^[A-Za-z_$][\w.\-$]{0,254}$")
# H5P's own rule for a library folder: machineName, or machineName-major.minor.
LIBRARY_FOLDER = re.compile(r"^[\w.\-]{1,255}$")
# Versions are whole numbers of up to five digits, written as JSON numbers or as strings
# ("1"), as H5P's reference validator accepts them (/^[0-9]{1,5}$/).
VERSION = re.compile(r"^[0-9]{1,5}$")
EMBED_TYPES = {"div", "iframe"}


@dataclass(frozen=True)
class LibraryRef:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self):
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class LibraryInfo:
    ref: LibraryRef
    patch: int
    title: str
    runnable: bool
    embed_types: list[str]
    preloaded_js: list[str]
    preloaded_css: list[str]
    preloaded_dependencies: list[LibraryRef]
    dynamic_dependencies: list[LibraryRef]
    files: list[str] = field(default_factory=list)  # archive names under the folder
    definition: dict = field(default_factory=dict)
    source_folder: str = ""  # the folder's name in the archive (may be the bare machineName)

    def stored_name(self, name: str) -> str:
        """Where an archive file of this library is stored: under ``<Name>-<major>.<minor>/``."""
        return self.ref.folder + name[len(self.source_folder or self.ref.folder) :]


@dataclass
class ValidatedH5P:
    title: str
    language: str
    h5p_json: dict
    main_library: LibraryRef
    libraries: dict[LibraryRef, LibraryInfo]  # those the package brings
    dependencies: set[LibraryRef]  # every library the content needs, transitively
    content_files: list[str]  # archive names under content/
    embed_types: list[str]
    notes: list[str] = field(default_factory=list)  # what was skipped, and why


def allowed_extensions(*, library: bool) -> set[str]:
    allowed = set(settings.INTERACTIVE_H5P_CONTENT_EXTENSIONS)
    if library:
        allowed |= set(settings.INTERACTIVE_H5P_LIBRARY_EXTRA_EXTENSIONS)
    return allowed


def _load_json(archive: SafeArchive, name: str):
    raw = archive.read(name)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PackageInvalid(
            _("%(file)s is not valid JSON: %(reason)s") % {"file": name, "reason": str(error)}
        ) from error


def _version(value) -> int | None:
    """A version number as H5P accepts it: 1 or "1" (never 1.5, -1, true or "one")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= 99999 else None
    if isinstance(value, str) and VERSION.match(value.strip()):
        return int(value.strip())
    return None


def _is_skipped(name: str) -> bool:
    """H5P skips every file or folder whose name starts with "." or "_" (__MACOSX ...)."""
    return any(part.startswith((".", "_")) for part in name.split("/") if part)


def _dependency_list(value, *, where: str, key: str) -> list[LibraryRef]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PackageInvalid(_("%(file)s: %(key)s must be a list.") % {"file": where, "key": key})
    refs = []
    for item in value:
        if not isinstance(item, dict):
            raise PackageInvalid(
                _("%(file)s: every entry of %(key)s must name a library.")
                % {"file": where, "key": key}
            )
        name = item.get("machineName")
        major, minor = _version(item.get("majorVersion")), _version(item.get("minorVersion"))
        if not isinstance(name, str) or not MACHINE_NAME.match(name) or None in (major, minor):
            raise PackageInvalid(
                _(
                    "%(file)s: %(key)s names a library without a valid machineName, "
                    "majorVersion and minorVersion (versions are whole numbers such as 1 "
                    'or "1"): %(entry)s'
                )
                % {"file": where, "key": key, "entry": json.dumps(item)[:200]}
            )
        refs.append(LibraryRef(name, major, minor))
    return refs


def _paths(value, *, where: str, key: str, folder: str, names: set[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, dict) and isinstance(v.get("path"), str) for v in value
    ):
        raise PackageInvalid(
            _('%(file)s: %(key)s must be a list of {"path": ...} objects.')
            % {"file": where, "key": key}
        )
    paths = [v["path"] for v in value]
    for path in paths:
        if f"{folder}/{path}" not in names:
            raise PackageInvalid(
                _("%(file)s lists %(path)s in %(key)s, but the package has no such file.")
                % {"file": where, "path": path, "key": key}
            )
    return paths


def _library(archive: SafeArchive, folder: str, names: set[str]) -> LibraryInfo:
    """Read ``<folder>/library.json``; ``folder`` is named ``machineName`` or
    ``machineName-major.minor``, as H5P requires."""
    where = f"{folder}/library.json"
    definition = _load_json(archive, where)
    if not isinstance(definition, dict):
        raise PackageInvalid(_("%(file)s must hold a JSON object.") % {"file": where})
    name = definition.get("machineName")
    major = _version(definition.get("majorVersion"))
    minor = _version(definition.get("minorVersion"))
    patch = _version(definition.get("patchVersion"))
    title = definition.get("title")
    if not isinstance(name, str) or not MACHINE_NAME.match(name):
        raise PackageInvalid(
            _(
                "%(file)s: machineName is missing or has characters other than letters, "
                "digits, dots and dashes."
            )
            % {"file": where}
        )
    if None in (major, minor, patch):
        raise PackageInvalid(
            _(
                "%(file)s: majorVersion, minorVersion and patchVersion must be whole numbers "
                'such as 1 or "1" (found %(major)s, %(minor)s, %(patch)s).'
            )
            % {
                "file": where,
                "major": json.dumps(definition.get("majorVersion")),
                "minor": json.dumps(definition.get("minorVersion")),
                "patch": json.dumps(definition.get("patchVersion")),
            }
        )
    if not isinstance(title, str) or not title.strip():
        raise PackageInvalid(_("%(file)s: the library has no title.") % {"file": where})
    ref = LibraryRef(name, major, minor)
    if folder not in (ref.folder, name):
        raise PackageInvalid(
            _(
                "The library folder %(folder)s does not match its library.json (%(library)s): "
                "H5P names a library folder machineName or machineName-major.minor."
            )
            % {"folder": folder, "library": ref.folder}
        )
    runnable = definition.get("runnable", 0)
    if isinstance(runnable, str) and runnable in ("0", "1"):
        runnable = int(runnable)
    if runnable not in (0, 1, True, False):
        raise PackageInvalid(_("%(file)s: runnable must be 0 or 1.") % {"file": where})
    embed_types = definition.get("embedTypes") or []
    if not isinstance(embed_types, list) or not set(embed_types) <= EMBED_TYPES:
        raise PackageInvalid(
            _("%(file)s: embedTypes may only contain “div” and “iframe”.") % {"file": where}
        )
    return LibraryInfo(
        ref=ref,
        patch=patch,
        title=title.strip()[:200],
        runnable=bool(runnable),
        embed_types=embed_types,
        preloaded_js=_paths(
            definition.get("preloadedJs"),
            where=where,
            key="preloadedJs",
            folder=folder,
            names=names,
        ),
        preloaded_css=_paths(
            definition.get("preloadedCss"),
            where=where,
            key="preloadedCss",
            folder=folder,
            names=names,
        ),
        preloaded_dependencies=_dependency_list(
            definition.get("preloadedDependencies"), where=where, key="preloadedDependencies"
        ),
        dynamic_dependencies=_dependency_list(
            definition.get("dynamicDependencies"), where=where, key="dynamicDependencies"
        ),
        files=sorted(n for n in names if n.startswith(folder + "/")),
        definition=definition,
        source_folder=folder,
    )


def validate_h5p(archive: SafeArchive, *, installed: set[LibraryRef] | None = None) -> ValidatedH5P:
    """Check an opened archive as an .h5p package; raise :class:`PackageInvalid` if it is not.

    ``installed``: the libraries already on the site (a package may leave those out).
    """
    installed = installed or set()
    names = set(archive.names())
    if "h5p.json" not in names:
        raise PackageInvalid(
            _("This is not an H5P package: h5p.json is missing at the top of the archive.")
        )
    if "content/content.json" not in names:
        raise PackageInvalid(_("The package has no content: content/content.json is missing."))

    problems = []
    notes = []
    library_folders = set()
    skipped = set()
    for name in sorted(names):
        top, _sep, rest = name.partition("/")
        if name in ("h5p.json", "content/content.json"):
            continue
        if _is_skipped(name):
            skipped.add(name)
            continue
        if not rest:
            # H5P unpacks only content/ and library folders: other top-level files
            # (H5P_CONTENT_HERE.txt, h5p-pr.json ...) are left out, not refused.
            notes.append(
                _(
                    "The file %(name)s at the top of the package was left out: H5P uses only "
                    "h5p.json, content/ and library folders."
                )
                % {"name": name}
            )
            skipped.add(name)
            continue
        extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        is_library = top != "content"
        if is_library:
            if not LIBRARY_FOLDER.match(top):
                problems.append(
                    _(
                        "The folder %(folder)s is neither content/ nor a library folder "
                        "named like H5P.Example-1.0."
                    )
                    % {"folder": top}
                )
                continue
            library_folders.add(top)
        if extension not in allowed_extensions(library=is_library):
            allowed = " ".join(sorted(allowed_extensions(library=is_library)))
            problems.append(
                _(
                    "The file %(name)s has a type H5P does not allow (.%(extension)s). "
                    "H5P allows only: %(allowed)s."
                )
                % {"name": name, "extension": extension or "?", "allowed": allowed}
            )
    if problems:
        raise PackageInvalid(sorted(set(problems))[:20])
    names -= skipped

    h5p_json = _load_json(archive, "h5p.json")
    if not isinstance(h5p_json, dict):
        raise PackageInvalid(_("h5p.json must hold a JSON object."))
    title = h5p_json.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PackageInvalid(_("h5p.json has no title."))
    main_name = h5p_json.get("mainLibrary")
    if not isinstance(main_name, str) or not MACHINE_NAME.match(main_name):
        raise PackageInvalid(_("h5p.json does not name its main library (mainLibrary)."))
    dependencies = _dependency_list(
        h5p_json.get("preloadedDependencies"), where="h5p.json", key="preloadedDependencies"
    )
    main = next((d for d in dependencies if d.machine_name == main_name), None)
    if main is None:
        raise PackageInvalid(
            _("h5p.json names %(library)s as its main library but not among its dependencies.")
            % {"library": main_name}
        )
    embed_types = h5p_json.get("embedTypes") or ["div"]
    if not isinstance(embed_types, list) or not embed_types or not set(embed_types) <= EMBED_TYPES:
        raise PackageInvalid(_("h5p.json: embedTypes may only contain “div” and “iframe”."))
    language = h5p_json.get("language") or "und"
    if not isinstance(language, str) or not re.match(r"^[-a-zA-Z]{1,10}$", language):
        raise PackageInvalid(_("h5p.json: language must be a language code such as “vi”."))

    content = _load_json(archive, "content/content.json")
    if not isinstance(content, dict):
        raise PackageInvalid(_("content/content.json must hold a JSON object."))

    libraries = {}
    for folder in sorted(library_folders):
        if f"{folder}/library.json" not in names:
            raise PackageInvalid(
                _(
                    "The folder %(folder)s has no library.json: every folder beside content/ "
                    "must be an H5P library."
                )
                % {"folder": folder}
            )
        info = _library(archive, folder, names)
        if info.ref in libraries:
            raise PackageInvalid(
                _("The library %(library)s is in the package twice.") % {"library": str(info.ref)}
            )
        libraries[info.ref] = info

    # Walk the dependency tree: everything must be here or installed, without cycles mattering.
    needed: set[LibraryRef] = set()
    queue = list(dependencies)
    missing = set()
    while queue:
        ref = queue.pop()
        if ref in needed:
            continue
        needed.add(ref)
        if ref in libraries:
            info = libraries[ref]
            queue.extend(info.preloaded_dependencies)
            queue.extend(info.dynamic_dependencies)
        elif ref not in installed:
            missing.add(ref)
    if missing:
        raise PackageInvalid(
            _(
                "The package needs libraries that are neither in it nor installed on this site: "
                "%(libraries)s."
            )
            % {"libraries": ", ".join(sorted(str(m) for m in missing))}
        )
    if main in libraries and not libraries[main].runnable:
        raise PackageInvalid(
            _("The main library %(library)s is not runnable.") % {"library": str(main)}
        )
    return ValidatedH5P(
        title=title.strip()[:200],
        language=language,
        h5p_json=h5p_json,
        main_library=main,
        libraries=libraries,
        dependencies=needed,
        content_files=sorted(n for n in names if n.startswith("content/")),
        embed_types=embed_types,
        notes=notes,
    )
