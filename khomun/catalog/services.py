"""Catalog use cases: load the shipped files, carry a year forward, draft, publish,
export and import. Every definition is validated before it is stored."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from khomun.catalog.choices import VersionStatus
from khomun.catalog.definition import (
    DatasetDefinition,
    DefinitionError,
    dump_definition,
    load_year,
    parse_definition,
)
from khomun.catalog.models import Dataset, DatasetVersion


class CatalogError(Exception):
    """A catalog change that cannot be made; the message is Thai."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def definition_data(defn: DatasetDefinition) -> dict[str, Any]:
    """The plain data of a definition, as stored in DatasetVersion.definition."""
    data: dict[str, Any] = yaml.safe_load(dump_definition(defn))
    # Through JSON once, so it compares equal to what the JSONField gives back
    # (period-note keys become strings there).
    return json.loads(json.dumps(data))


def validate_data(data: dict[str, Any], source: str) -> DatasetDefinition:
    try:
        return parse_definition(data, source)
    except DefinitionError as exc:
        raise CatalogError(str(exc)) from None


def _sync_denormalised(dataset: Dataset, defn: DatasetDefinition) -> None:
    dataset.order = defn.order
    dataset.name_th = defn.name_th
    dataset.name_en = defn.name_en
    dataset.owner = defn.owner
    dataset.unit = defn.unit
    dataset.levels = list(defn.levels)
    dataset.subject_kind = defn.subject.kind if defn.subject else ""


def save_version(
    fiscal_year: int, data: dict[str, Any], *, by: Any = None, publish: bool = True
) -> tuple[DatasetVersion, bool]:
    """Store a definition as the next version of its dataset; returns (version, created).

    An identical definition to the current one stores nothing (loading is idempotent).
    """
    data = {**data, "fiscal_year": fiscal_year}
    defn = validate_data(data, f"{data.get('key', '?')} ({fiscal_year})")
    data = definition_data(defn)
    with transaction.atomic():
        dataset, _ = Dataset.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year, key=defn.key
        )
        current = dataset.current
        if publish and current is not None and current.definition == data:
            return current, False
        last = dataset.versions.order_by("-number").first()
        version = DatasetVersion.objects.create(
            dataset=dataset,
            number=(last.number + 1) if last else 1,
            definition=data,
            created_by=by if getattr(by, "pk", None) else None,
        )
        if publish:
            publish_version(version)
        elif current is None:
            _sync_denormalised(dataset, defn)
            dataset.save()
    return version, True


def publish_version(version: DatasetVersion) -> None:
    """Make a version current and regenerate the dataset's periods from its rule."""
    from khomun.schedule.services import sync_periods

    defn = validate_data(dict(version.definition), str(version))
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=version.dataset_id)
        DatasetVersion.objects.filter(dataset=dataset, status=VersionStatus.PUBLISHED).exclude(
            pk=version.pk
        ).update(status=VersionStatus.RETIRED)
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
        _sync_denormalised(dataset, defn)
        dataset.current = version
        dataset.save()
        sync_periods(dataset, defn)


def load_catalog(fiscal_year: int, *, from_year: int | None = None, by: Any = None) -> LoadResult:
    """Load a fiscal year from the shipped files, or carry `from_year` forward into it.

    Carrying forward copies the current definitions of `from_year` (from the database
    if loaded there, else from its files) with the new fiscal year; periods are made
    for the new year's calendar.
    """
    if from_year is not None:
        sources = [definition_data(d) for d in _definitions_of(from_year)]
    else:
        try:
            sources = [definition_data(d) for d in load_year(fiscal_year)]
        except DefinitionError as exc:
            raise CatalogError(str(exc)) from None
    result = LoadResult()
    with transaction.atomic():
        for data in sources:
            existed = Dataset.objects.filter(fiscal_year=fiscal_year, key=data["key"]).exists()
            _, created = save_version(fiscal_year, data, by=by)
            if not created:
                result.unchanged += 1
            elif existed:
                result.updated += 1
            else:
                result.created += 1
    return result


def _definitions_of(fiscal_year: int) -> list[DatasetDefinition]:
    stored = Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False).select_related(
        "current"
    )
    if stored:
        return [d.current.parsed for d in stored if d.current is not None]
    try:
        return load_year(fiscal_year)
    except DefinitionError as exc:
        raise CatalogError(str(exc)) from None


def copy_year(from_year: int, to_year: int, *, by: Any = None) -> int:
    """Drafts for every dataset of `from_year` in `to_year`, to edit before publishing."""
    count = 0
    with transaction.atomic():
        for defn in _definitions_of(from_year):
            if Dataset.objects.filter(fiscal_year=to_year, key=defn.key).exists():
                continue
            save_version(to_year, definition_data(defn), by=by, publish=False)
            count += 1
    return count


def export_year(fiscal_year: int) -> bytes:
    """A zip of `<year>/<key>.yaml` files: the exchange format, same as the repository's."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for defn in _definitions_of(fiscal_year):
            archive.writestr(f"{fiscal_year}/{defn.key}.yaml", dump_definition(defn))
    return buffer.getvalue()


def import_files(fiscal_year: int, files: dict[str, bytes], *, by: Any = None) -> int:
    """Store each YAML file as a draft of `fiscal_year`; all or nothing."""
    with transaction.atomic():
        for name, content in sorted(files.items()):
            try:
                data = yaml.safe_load(content.decode("utf-8"))
            except (UnicodeDecodeError, yaml.YAMLError) as exc:
                raise CatalogError(f"{name}: อ่านไฟล์ YAML ไม่ได้ ({exc})") from None
            if not isinstance(data, dict):
                raise CatalogError(f"{name}: ไฟล์ต้องเป็นนิยามฐานข้อมูลหนึ่งชุด")
            try:
                save_version(fiscal_year, data, by=by, publish=False)
            except CatalogError as exc:
                raise CatalogError(f"{name}: {exc}") from None
    return len(files)


def datasets_for(fiscal_year: int) -> list[Dataset]:
    return list(
        Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False).select_related(
            "current"
        )
    )
