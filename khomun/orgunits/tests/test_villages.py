import pytest

from khomun.orgunits.choices import Level
from khomun.orgunits.services import OrgUnitError, get_or_create_village


def test_a_village_is_made_from_its_subdistrict_and_moo(orgtree):
    village = get_or_create_village("520101", 3, "บ้านป่าขาม")
    assert village.code == "52010103"
    assert village.level == Level.VILLAGE
    assert village.parent.code == "520101"
    assert village.path == "TH/52/5201/520101/52010103/"
    assert get_or_create_village("520101", 3).pk == village.pk


def test_it_refuses_a_bad_moo_number(orgtree):
    with pytest.raises(OrgUnitError, match="หมู่ที่"):
        get_or_create_village("520101", 0)


def test_it_refuses_an_unknown_subdistrict(orgtree):
    with pytest.raises(OrgUnitError, match="ไม่พบตำบล"):
        get_or_create_village("999999", 1)
