"""Catalog use cases: load the shipped files, carry a year forward, draft, publish,
export and import. Every definition is validated before it is stored."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from khomun.catalog.choices import VersionStatus
from khomun.catalog.definition import (
    DEFINITIONS_ROOT,
    DatasetDefinition,
    DefinitionError,
    dump_definition,
    load_year,
    parse_definition,
)
from khomun.catalog.models import Dataset, DatasetVersion

# An upload of definitions is a handful of small YAML files; refuse anything bigger.
MAX_IMPORT_BYTES = 2 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")


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


def latest_version(dataset: Dataset) -> DatasetVersion | None:
    """The newest version, draft or published: what the editor starts from."""
    return dataset.versions.order_by("-number").first()


def has_newer_draft(dataset: Dataset) -> bool:
    last = latest_version(dataset)
    return last is not None and last.status == VersionStatus.DRAFT


def save_version(
    fiscal_year: int, data: dict[str, Any], *, by: Any = None, publish: bool = True
) -> tuple[DatasetVersion, bool]:
    """Store a definition as the next version of its dataset; returns (version, created).

    An identical definition to the current one stores nothing (loading is idempotent),
    and saving a draft unchanged does not pile up identical drafts.
    """
    data = {**data, "fiscal_year": fiscal_year}
    defn = validate_data(data, f"{data.get('key', '?')} ({fiscal_year})")
    data = definition_data(defn)
    with transaction.atomic():
        dataset, _ = Dataset.objects.select_for_update().get_or_create(
            fiscal_year=fiscal_year, key=defn.key
        )
        current = dataset.current
        last = latest_version(dataset)
        if publish and current is not None and current.definition == data:
            return current, False
        if not publish and last is not None and last.definition == data:
            return last, False
        draft = last if last is not None and last.status == VersionStatus.DRAFT else None
        if publish and draft is not None and draft.definition == data:
            publish_version(draft)  # the draft under review is what gets published
            return draft, True
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
    """Make a version current and regenerate the dataset's periods from its rule.

    Refused (CatalogError, nothing changed) when the new rule would drop a period
    that already has records.
    """
    from khomun.schedule.services import ScheduleError, sync_periods

    defn = validate_data(dict(version.definition), str(version))
    try:
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
    except ScheduleError as exc:
        version.refresh_from_db()
        raise CatalogError(f"{defn.key} ({defn.fiscal_year}): {exc.message}") from None


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
            existed = Dataset.objects.filter(
                fiscal_year=fiscal_year, key=data["key"], current__isnull=False
            ).exists()
            _, created = save_version(fiscal_year, data, by=by)
            if not created:
                result.unchanged += 1
            elif existed:
                result.updated += 1
            else:
                result.created += 1
    return result


def shipped_years() -> list[int]:
    """Fiscal years that have a folder of definition files in the repository."""
    return sorted(
        int(folder.name)
        for folder in DEFINITIONS_ROOT.iterdir()
        if folder.is_dir() and folder.name.isdigit()
    )


def catalog_years() -> list[int]:
    """Fiscal years with datasets in the database (published or draft), newest first."""
    years = Dataset.objects.order_by().values_list("fiscal_year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def _definitions_of(fiscal_year: int) -> list[DatasetDefinition]:
    stored = Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False).select_related(
        "current"
    )
    if stored:
        return [d.current.parsed for d in stored if d.current is not None]
    if fiscal_year not in shipped_years():
        raise CatalogError(f"ปีงบประมาณ {fiscal_year} ยังไม่มีฐานข้อมูลที่ประกาศใช้ และไม่มีไฟล์นิยามในระบบ")
    try:
        return load_year(fiscal_year)
    except DefinitionError as exc:
        raise CatalogError(str(exc)) from None


def copy_year(from_year: int, to_year: int, *, by: Any = None) -> int:
    """Drafts for every dataset of `from_year` in `to_year`, to edit before publishing.

    Datasets that already exist in `to_year` are left alone; returns how many were copied.
    """
    if from_year == to_year:
        raise CatalogError("ปีงบประมาณต้นทางและปลายทางต้องไม่ใช่ปีเดียวกัน")
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


def files_from_upload(name: str, content: bytes) -> dict[str, bytes]:
    """The YAML files of one upload: a zip (as `export_year` makes) or a single file."""
    if not name.lower().endswith(".zip"):
        return {name: content}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and m.filename.endswith(YAML_SUFFIXES)
            ]
            if sum(m.file_size for m in members) > MAX_IMPORT_BYTES:
                raise CatalogError(f"{name}: ไฟล์ในชุดรวมกันใหญ่เกิน 2 MB")
            files = {m.filename: archive.read(m) for m in members}
    except zipfile.BadZipFile:
        raise CatalogError(f"{name}: ไม่ใช่ไฟล์ zip ที่อ่านได้") from None
    if not files:
        raise CatalogError(f"{name}: ไม่มีไฟล์ .yaml อยู่ในชุด")
    return files


def import_files(fiscal_year: int, files: dict[str, bytes], *, by: Any = None) -> int:
    """Store each YAML file as a draft of `fiscal_year`; all or nothing.

    Each file is `<key>.yaml` as in the repository; any error names the file.
    """
    if not files:
        raise CatalogError("ไม่มีไฟล์ให้นำเข้า")
    seen: dict[str, str] = {}
    with transaction.atomic():
        for name, content in sorted(files.items()):
            data = _read_yaml(name, content)
            stem = PurePosixPath(name).stem
            if data.get("key") != stem:
                raise CatalogError(f"{name}: key: ต้องตรงกับชื่อไฟล์ ({stem!r})")
            if stem in seen:
                raise CatalogError(f"{name}: key: ซ้ำกับไฟล์ {seen[stem]}")
            seen[stem] = name
            # Validated here so that the message names the uploaded file.
            validate_data({**data, "fiscal_year": fiscal_year}, name)
            save_version(fiscal_year, data, by=by, publish=False)
    return len(files)


def _read_yaml(name: str, content: bytes) -> dict[str, Any]:
    try:
        data = yaml.safe_load(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise CatalogError(f"{name}: ไฟล์ต้องเป็นข้อความ UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" บรรทัดที่ {mark.line + 1}" if mark is not None else ""
        raise CatalogError(f"{name}: อ่าน YAML ไม่ได้{where}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{name}: ไฟล์ต้องเป็นนิยามฐานข้อมูลหนึ่งชุด (mapping ของ YAML)")
    return data


def datasets_for(fiscal_year: int) -> list[Dataset]:
    return list(
        Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False).select_related(
            "current"
        )
    )


def year_overview(fiscal_year: int) -> list[Dataset]:
    """Every dataset of a year, published or not, with `latest_number` of its versions."""
    return list(
        Dataset.objects.filter(fiscal_year=fiscal_year)
        .select_related("current")
        .annotate(latest_number=Max("versions__number"))
        .order_by("order", "key")
    )
