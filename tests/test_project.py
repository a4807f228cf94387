"""The project's own rules: migrations named and settled, the layout architecture.md sets."""

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


# Folders that hold other projects' code, not ours: the virtualenvs (the bench's peers have
# one under var/bench/peer) and installed front-end packages.
NOT_OURS = {".venv", ".uv", "var", "node_modules", ".git"}


def test_every_migration_has_a_telling_name():
    auto_named = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS]
        if Path(folder).name != "migrations":
            continue
        auto_named += [
            str((Path(folder) / name).relative_to(ROOT))
            for name in files
            if name.startswith("0")
            and name.endswith(".py")
            and re.search(r"_auto_\d|^\d{4}_initial_\d", name)
        ]
    assert auto_named == []


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_site_and_locale_are_not_python_packages():
    assert not (ROOT / "site" / "__init__.py").exists()
    assert not (ROOT / "locale" / "__init__.py").exists()


@pytest.mark.parametrize(
    ("lower", "upper"),
    [
        (
            "lms/accounts",
            [
                "courses",
                "certification",
                "community",
                "compliance",
                "media_library",
                "lms.portal",
                "lms.reports",
            ],
        ),
        (
            "lms/taxonomy",
            [
                "courses",
                "certification",
                "community",
                "compliance",
                "media_library",
                "lms.portal",
                "lms.reports",
            ],
        ),
        (
            "lms/records",
            [
                "courses",
                "certification",
                "community",
                "compliance",
                "media_library",
                "lms.portal",
                "lms.reports",
            ],
        ),
        (
            "lms/notifications",
            [
                "courses",
                "certification",
                "community",
                "compliance",
                "media_library",
                "lms.portal",
                "lms.reports",
            ],
        ),
        (
            "media_library",
            ["courses", "certification", "community", "compliance", "lms.portal", "lms.reports"],
        ),
        ("courses", ["certification", "community", "compliance", "lms.portal", "lms.reports"]),
        ("certification", ["community", "compliance", "lms.portal", "lms.reports"]),
        ("community", ["certification", "compliance", "lms.portal", "lms.reports"]),
        ("compliance", ["certification", "community", "lms.portal", "lms.reports"]),
    ],
)
def test_rooms_never_import_upward(lower, upper):
    pattern = re.compile(
        r"^\s*(from|import)\s+(" + "|".join(re.escape(u) for u in upper) + r")(\.|\s|$)",
        re.MULTILINE,
    )
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / lower).rglob("*.py")
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_every_source_map_a_static_file_names_is_there():
    """collectstatic's manifest storage (production's and the bench's) stops at a script
    or stylesheet whose sourceMappingURL names a missing file."""
    static = ROOT / "site" / "static"
    named = re.compile(r"sourceMappingURL=([^\s*]+)")
    missing = []
    for path in [*static.rglob("*.js"), *static.rglob("*.css")]:
        for target in named.findall(path.read_text(encoding="utf-8", errors="replace")[-500:]):
            if not target.startswith("data:") and not (path.parent / target).exists():
                missing.append(f"{path.relative_to(static)} -> {target}")
    assert missing == []
