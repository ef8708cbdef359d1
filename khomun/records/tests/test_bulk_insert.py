"""`bulk._insert` writes rows as `Model.objects.create` would: defaults, clocks, ids
(COPY on PostgreSQL, bulk_create elsewhere; run on both)."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection

from khomun.orgunits.models import OrgUnit
from khomun.records import bulk
from khomun.records.models import Change, Subject

NOON = dt.datetime(2019, 3, 1, 5, 0, tzinfo=dt.UTC)


def stored(instance):
    """The columns of a stored row, its id and clocks aside."""
    skip = {"id", "created_at", "updated_at", "at"}
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if f.attname not in skip
    }


@pytest.mark.django_db
def test_missing_fields_take_the_defaults_create_gives_them(orgtree):
    unit = OrgUnit.objects.get(code="5201")
    rows = [{"kind": "k", "name": "ก", "orgunit_id": unit.pk, "orgunit_path": unit.path}]
    with time_machine.travel(NOON, tick=False):
        [pk] = bulk._insert(Subject, rows)
        by_create = Subject.objects.create(**rows[0])
        [change_pk] = bulk._insert(Change, [{"entity": "record", "entity_id": 7, "action": "x"}])
        change_by_create = Change.objects.create(entity="record", entity_id=7, action="x")

    subject = Subject.objects.get(pk=pk)
    assert stored(subject) == stored(Subject.objects.get(pk=by_create.pk))
    assert subject.attributes == {} and subject.national_id == "" and subject.search_text == ""
    assert subject.created_at == subject.updated_at == NOON
    change = Change.objects.get(pk=change_pk)
    assert stored(change) == stored(Change.objects.get(pk=change_by_create.pk))
    assert change.before is None and change.after is None and change.at == NOON


@pytest.mark.django_db
def test_ids_come_back_in_order_and_the_sequence_moves_past_them():
    rows = [
        {"entity": "subject", "entity_id": i, "action": "create", "after": {"n": i}}
        for i in range(5)
    ]
    ids = bulk._insert(Change, rows)

    assert ids == sorted(ids) and len(set(ids)) == 5
    assert [Change.objects.get(pk=pk).after for pk in ids] == [{"n": i} for i in range(5)]
    assert Change.objects.create(entity="record", entity_id=1, action="create").pk > ids[-1]
    assert bulk._insert(Change, []) == []


@pytest.mark.django_db
def test_json_is_stored_as_the_same_value(orgtree):
    awkward = {
        "ไทย": 'กลุ่ม\t"ทอผ้า"\\ \n😀',
        "list": [1, 2.5, True, None, "x"],
        "nested": {"a": {"b": []}},
        "\\N": "\\N",
    }
    [pk] = bulk._insert(
        Change, [{"entity": "subject", "entity_id": 1, "action": "c", "after": awkward}]
    )

    assert Change.objects.get(pk=pk).after == awkward
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT after = %s::jsonb FROM records_change WHERE id = %s",
                [json.dumps(awkward), pk],
            )
            assert cursor.fetchone() == (True,)  # the jsonb Django would have written
