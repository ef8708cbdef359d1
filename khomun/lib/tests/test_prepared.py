"""`lib.prepared`: the same instances as the ORM gives, SQL built once, wrong uses refused."""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from khomun.lib.prepared import CannotPrepare, Prepared
from khomun.monitoring.tests.conftest import make_groups, record_group
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Record


def record_with_everything(pk):
    return (
        Record.objects.filter(pk=pk)
        .select_related("period__dataset", "orgunit", "subject__orgunit", "dataset_version")
        .defer("dataset_version__definition")
        .order_by()[:1]
    )


def fields(instance):
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in instance.get_deferred_fields()
    }


@pytest.fixture
def record(catalog_2562, lampang_recorder):
    group = make_groups(lampang_recorder, "5201", 1)[0]
    return record_group(lampang_recorder, group)


def test_it_gives_the_instances_the_orm_gives(record):
    prepared = Prepared(record_with_everything)
    orm = record_with_everything(record.pk)[0]
    for _ in range(2):  # compiled, then reused
        got = prepared.first(record.pk)
        assert fields(got) == fields(orm)
        assert got.values == record.values and isinstance(got.values, dict)
        assert got._state.adding is False and got._state.db == "default"
        for path in ("period", "period.dataset", "orgunit", "subject", "subject.orgunit"):
            theirs, ours = orm, got
            for name in path.split("."):
                theirs, ours = getattr(theirs, name), getattr(ours, name)
            assert fields(ours) == fields(theirs), path
        assert got.dataset_version.get_deferred_fields() == {"definition"}
        with CaptureQueriesContext(connection) as queries:
            assert got.subject.orgunit.code == record.subject.orgunit.code
            assert got.period.dataset.key == "savings_groups"
        assert queries.captured_queries == []  # all of it came with the one row


def test_the_sql_is_built_once_and_each_call_is_one_query(record, monkeypatch):
    prepared = Prepared(record_with_everything)
    built = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        built.append(1)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    prepared.first(record.pk)
    assert len(built) == 1
    with CaptureQueriesContext(connection) as queries:
        assert prepared.first(record.pk).pk == record.pk
        assert prepared.first(record.pk + 1000) is None
    assert len(built) == 1
    assert len(queries.captured_queries) == 2
    assert str(record.pk) in queries.captured_queries[0]["sql"]


def test_a_text_argument_and_several_rows_in_order(orgtree):
    prepared = Prepared(
        lambda parent, level: OrgUnit.objects.filter(parent__code=parent, level=level).order_by(
            "-code"
        )
    )
    expected = list(OrgUnit.objects.filter(parent__code="52", level="district").order_by("-code"))
    assert [u.code for u in prepared("52", "district")] == [u.code for u in expected]
    assert prepared("52", "province") == []
    assert [u.code for u in prepared("36", "district")][-1] == "3601"


def test_a_number_no_column_holds_finds_nothing_as_the_orm_does(record):
    prepared = Prepared(record_with_everything)
    with CaptureQueriesContext(connection) as queries:
        assert prepared(2**63) == []
    assert queries.captured_queries == []
    assert list(record_with_everything(2**63)) == []


@pytest.mark.parametrize(
    "build, args",
    [
        (lambda code: OrgUnit.objects.filter(code__startswith=code), ("52",)),
        (lambda pk: OrgUnit.objects.filter(pk__in=[pk]).values("code"), (1,)),
        (lambda flag: OrgUnit.objects.filter(has_cdd_office=flag), (True,)),
        (lambda pk: OrgUnit.objects.filter(pk=pk), (None,)),
        (lambda pk: OrgUnit.objects.filter(code="52"), (1,)),  # an argument not used
    ],
)
def test_what_cannot_be_prepared_is_refused_at_the_first_call(orgtree, build, args):
    with pytest.raises(CannotPrepare):
        Prepared(build)(*args)
