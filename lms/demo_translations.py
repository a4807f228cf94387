"""Demo content translated the way an editor translates it: through wagtail-localize.

The rooms' demos hold their text per language; here it becomes a *phrasebook* (English
segment -> translated segment, the translation memory an editor fills in wagtail-localize's
editor), and ``translate_with_localize`` makes the page's TranslationSource, its Translation
into the target locale, fills the StringTranslation rows and publishes the target with
``Translation.save_target``. Pages are never copied and edited by hand, so the admin shows
each demo translation as a wagtail-localize translation that "Sync translated pages" keeps
up to date.

Idempotent and cheap on a re-run: nothing is saved unless the English source, a translated
segment or the target page changed.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.strings import extract_strings

# Recorded on every StringTranslation the demo writes, so an editor can tell them apart.
TOOL_NAME = "Better Work demo content"

Phrasebook = dict[str, str]


def _segments(value: str) -> list[str]:
    """The segments wagtail-localize makes of a value: one per block of rich text, or the
    value itself for plain text."""
    if "<" not in value:
        return [value.strip()] if value.strip() else []
    _template, strings = extract_strings(value)
    return [string.data for string, _attrs in strings]


def phrasebook_add(phrasebook: Phrasebook, english: Any, translated: Any) -> Phrasebook:
    """Adds to ``phrasebook`` every English segment of ``english`` with its translation in
    ``translated``; both are strings (plain or rich text) or the same shape of lists, tuples
    and dicts of them (a dict's keys are matched, values paired)."""
    if english is None or translated is None:
        return phrasebook
    if isinstance(english, str):
        if not isinstance(translated, str):
            raise TypeError(f"{english!r} is translated by a {type(translated).__name__}")
        source_segments, target_segments = _segments(english), _segments(translated)
        if len(source_segments) != len(target_segments):
            raise ValueError(f"{english!r} and {translated!r} have different segments")
        for source, target in zip(source_segments, target_segments, strict=True):
            if source != target:
                phrasebook[source] = target
        return phrasebook
    if isinstance(english, Mapping):
        for key, value in english.items():
            if key in translated:
                phrasebook_add(phrasebook, value, translated[key])
        return phrasebook
    if isinstance(english, list | tuple):
        for source, target in zip(english, translated, strict=True):
            phrasebook_add(phrasebook, source, target)
        return phrasebook
    return phrasebook  # numbers, booleans: not text


def _locale(language: str) -> Locale:
    return Locale.objects.get_or_create(language_code=language)[0]


@transaction.atomic
def translate_with_localize(instance, *, language: str, phrasebook: Mapping[str, str]):
    """The translation of ``instance`` (a page or translatable snippet) into ``language``,
    made and published by wagtail-localize from the segments found in ``phrasebook``.
    Segments the phrasebook lacks stay in English (wagtail-localize's fallback), as they
    would for an editor who has not translated them yet. Returns the translated instance."""
    if isinstance(instance, Page):
        instance = instance.specific
        _fill_empty_text_blocks(instance)
    locale = _locale(language)
    previous = TranslationSource.objects.filter(
        object_id=instance.translation_key, locale_id=instance.locale_id
    ).first()
    before = _segment_keys(previous) if previous else None
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    # The source's JSON changes with every child page added; only its text matters here.
    changed = before != _segment_keys(source)

    translation, created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    changed = changed or created or not translation.enabled
    if not translation.enabled:
        translation.enabled = True
        translation.save(update_fields=["enabled"])

    segments = StringSegment.objects.filter(source=source).select_related("string")
    existing = {
        (row.translation_of_id, row.context_id): row
        for row in StringTranslation.objects.filter(
            locale=locale, translation_of_id__in=[segment.string_id for segment in segments]
        )
    }
    new_rows = []
    for segment in segments:
        text = phrasebook.get(segment.string.data)
        if text is None:
            continue
        row = existing.get((segment.string_id, segment.context_id))
        if row is None:
            row = StringTranslation(
                translation_of_id=segment.string_id,
                locale=locale,
                context_id=segment.context_id,
                data=text,
                translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
                tool_name=TOOL_NAME,
            )
            existing[(segment.string_id, segment.context_id)] = row
            new_rows.append(row)
        elif row.data != text:
            row.data = text
            row.has_error = False
            row.save()
            changed = True
    for row in new_rows:
        row.save()  # one by one: StringTranslation.save() checks the HTML of the segment
    changed = changed or bool(new_rows)

    target = _target(instance, locale)
    if changed or target is None or not getattr(target, "live", True):
        translation.save_target(publish=True)
        target = _target(instance, locale)
    return target


def _text_blocks_filled(block, value) -> bool:
    """Sets the text children left out of a struct block's value (None) to "", which is
    what the page editor saves; wagtail-localize cannot extract a None. True if any was."""
    changed = False
    if isinstance(block, blocks.StructBlock) and isinstance(value, dict):
        for name, child in block.child_blocks.items():
            if value.get(name) is None and isinstance(
                child, blocks.CharBlock | blocks.TextBlock | blocks.RichTextBlock
            ):
                value[name] = "" if not isinstance(child, blocks.RichTextBlock) else RichText("")
                changed = True
            elif value.get(name) is not None:
                changed |= _text_blocks_filled(child, value[name])
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            changed |= _text_blocks_filled(block.child_block, item)
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            changed |= _text_blocks_filled(child.block, child.value)
    return changed


def _fill_empty_text_blocks(page) -> None:
    changed = False
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            value = getattr(page, field.name)
            if _text_blocks_filled(value.stream_block, value):
                setattr(page, field.name, value)
                changed = True
    if changed:
        page.save_revision().publish()


def _segment_keys(source) -> set[tuple[int, int]]:
    return set(StringSegment.objects.filter(source=source).values_list("string_id", "context_id"))


def _target(instance, locale):
    target = instance.get_translation_or_none(locale)
    return target.specific if isinstance(target, Page) else target


def translate_all(
    instance, phrasebooks: Mapping[str, Mapping[str, str]], languages: Iterable[str]
) -> dict:
    """``translate_with_localize`` for each language; the translations by language."""
    return {
        language: translate_with_localize(
            instance, language=language, phrasebook=phrasebooks.get(language, {})
        )
        for language in languages
    }
