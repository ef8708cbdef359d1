import io

from django.core.management import call_command

from khomun.orgunits.choices import Level
from khomun.orgunits.models import Office, OrgUnit


def test_the_country_is_the_root(orgtree):
    root = OrgUnit.objects.get(code="TH")
    assert root.level == Level.COUNTRY and root.parent is None


def test_it_loads_every_province_and_marks_bangkok(orgtree):
    provinces = OrgUnit.objects.filter(level=Level.PROVINCE)
    assert provinces.count() == 77
    assert provinces.filter(has_cdd_office=True).count() == 76
    bangkok = OrgUnit.objects.get(code="10")
    assert bangkok.name_th == "กรุงเทพมหานคร" and not bangkok.has_cdd_office
    assert not Office.objects.filter(orgunit=bangkok).exists()


def test_it_loads_all_878_districts(orgtree):
    assert OrgUnit.objects.filter(level=Level.DISTRICT).count() == 878
    assert OrgUnit.objects.get(code="52").children.count() == 13
    assert OrgUnit.objects.get(code="36").children.count() == 16
    muang = OrgUnit.objects.get(code="5201")
    assert muang.name_th == "เมืองลำปาง" and muang.name_en == "Mueang Lampang"
    assert muang.full_name_th == "อำเภอเมืองลำปาง"


def test_it_loads_subdistricts_with_their_parents(orgtree):
    assert OrgUnit.objects.filter(level=Level.SUBDISTRICT).count() > 7000
    sub = OrgUnit.objects.filter(parent__code="5201").first()
    assert sub.level == Level.SUBDISTRICT and sub.code.startswith("5201") and len(sub.code) == 6
    assert sub.path == f"TH/52/5201/{sub.code}/"


def test_every_office_exists_once(orgtree):
    assert Office.objects.filter(kind="province").count() == 76
    assert Office.objects.filter(kind="district").count() == 878
    office = Office.objects.get(orgunit__code="52")
    assert office.name_th == "สำนักงานพัฒนาชุมชนจังหวัดลำปาง"
    assert office.working_groups.filter(name_th="กลุ่มงานสารสนเทศการพัฒนาชุมชน").exists()


def test_loading_again_changes_nothing(orgtree):
    before = list(OrgUnit.objects.values_list("id", "code", "path"))
    offices = Office.objects.count()
    call_command("load_orgunits", stdout=io.StringIO())
    assert list(OrgUnit.objects.values_list("id", "code", "path")) == before
    assert Office.objects.count() == offices


def test_everything_under_a_province_is_one_query(orgtree, django_assert_num_queries):
    lampang = OrgUnit.objects.get(code="52")
    with django_assert_num_queries(1):
        units = list(OrgUnit.objects.under(lampang))
    assert len(units) > 13
    assert all(u.code.startswith("52") for u in units)
    assert {u.level for u in units} == {Level.PROVINCE, Level.DISTRICT, Level.SUBDISTRICT}


def test_under_does_not_leak_into_a_similar_code(orgtree):
    # "TH/52/" must not match a province coded 520 or a district 5210 of another province.
    lampang = OrgUnit.objects.get(code="52")
    outside = OrgUnit.objects.exclude(path__startswith="TH/52/").filter(code__startswith="52")
    assert not OrgUnit.objects.under(lampang).filter(pk__in=outside).exists()
