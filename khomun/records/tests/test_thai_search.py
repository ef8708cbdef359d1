"""Finding subjects by Thai names, word by word (PyThaiNLP), within the user's scope."""

import datetime as dt

import pytest

from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records import services

NAMES = [
    ("savings_group", "520101", 1, "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"),
    ("mother_land_fund", "520101", 2, "กองทุนแม่ของแผ่นดินบ้านป่าขาม"),
    ("fund_management_centre", "520102", 0, "ศูนย์จัดการกองทุนชุมชนตำบลพระบาท"),
    ("community_actor", "520101", 3, "นางสมศรี ใจดี"),
    ("otop_producer", "520102", 4, "วิสาหกิจชุมชนกลุ่มทอผ้าฝ้ายบ้านท่าขัว"),
    ("fund_network", "5201", 0, "เครือข่ายกองทุนชุมชนอำเภอเมืองลำปาง"),
    ("community_actor", "520103", 5, "กลุ่มแม่บ้านเกษตรกรบ้านหนองหล่ม"),
]


@pytest.fixture
def subjects(lampang_recorder, orgtree):
    made = {}
    for kind, code, moo, name in NAMES:
        place = get_or_create_village(code, moo) if moo else OrgUnit.objects.get(code=code)
        made[name] = services.create_subject(lampang_recorder, kind=kind, orgunit=place, name=name)
    return made


def found(user, query, **filters):
    return [s.name for s in services.search_subjects(user, query, **filters)]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("ออมทรัพย์", "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"),
        ("เวียงเหนือ", "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"),
        ("แม่ของแผ่นดิน", "กองทุนแม่ของแผ่นดินบ้านป่าขาม"),
        ("ป่าขาม", "กองทุนแม่ของแผ่นดินบ้านป่าขาม"),
        ("พระบาท", "ศูนย์จัดการกองทุนชุมชนตำบลพระบาท"),
        ("สมศรี", "นางสมศรี ใจดี"),
        ("ใจดี", "นางสมศรี ใจดี"),
        ("ผ้าฝ้าย", "วิสาหกิจชุมชนกลุ่มทอผ้าฝ้ายบ้านท่าขัว"),
        ("ลำปาง", "เครือข่ายกองทุนชุมชนอำเภอเมืองลำปาง"),
        ("หนองหล่ม", "กลุ่มแม่บ้านเกษตรกรบ้านหนองหล่ม"),
        ("เกษตรกร", "กลุ่มแม่บ้านเกษตรกรบ้านหนองหล่ม"),
    ],
)
def test_a_word_of_a_thai_name_finds_it(lampang_recorder, subjects, query, name):
    assert found(lampang_recorder, query) == [name]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("ออมทรัพ", "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"),
        ("วิสาห", "วิสาหกิจชุมชนกลุ่มทอผ้าฝ้ายบ้านท่าขัว"),
        ("หนองห", "กลุ่มแม่บ้านเกษตรกรบ้านหนองหล่ม"),
    ],
)
def test_the_start_of_a_word_finds_it(lampang_recorder, subjects, query, name):
    assert found(lampang_recorder, query) == [name]


def test_the_syllables_of_a_compound_word_find_it(lampang_recorder, subjects):
    assert found(lampang_recorder, "ฝ้าย") == ["วิสาหกิจชุมชนกลุ่มทอผ้าฝ้ายบ้านท่าขัว"]
    assert found(lampang_recorder, "ผลิต") == ["กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"]


def test_the_middle_of_a_word_finds_nothing(lampang_recorder, subjects):
    # Plain substring search would find these; word-aware search does not.
    assert found(lampang_recorder, "รัพย์") == []
    assert found(lampang_recorder, "หล่ม") == ["กลุ่มแม่บ้านเกษตรกรบ้านหนองหล่ม"]  # a word
    assert found(lampang_recorder, "ษตร") == []


def test_every_word_must_match_in_any_order_and_spacing(lampang_recorder, subjects):
    group = "กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"
    assert found(lampang_recorder, "เวียงเหนือ ออมทรัพย์") == [group]
    assert found(lampang_recorder, "กลุ่มออมทรัพย์ บ้านเวียงเหนือ") == [group]
    assert found(lampang_recorder, "ออมทรัพย์ ป่าขาม") == []


def test_a_shared_word_finds_every_name_with_it(lampang_recorder, subjects):
    assert sorted(found(lampang_recorder, "กองทุน")) == sorted(
        [
            "กองทุนแม่ของแผ่นดินบ้านป่าขาม",
            "ศูนย์จัดการกองทุนชุมชนตำบลพระบาท",
            "เครือข่ายกองทุนชุมชนอำเภอเมืองลำปาง",
        ]
    )
    assert len(found(lampang_recorder, "")) == len(NAMES)


def test_a_national_id_finds_its_person(lampang_recorder, orgtree):
    village = get_or_create_village("520101", 1)
    services.create_subject(
        lampang_recorder,
        kind="community_actor",
        orgunit=village,
        name="นายสมชาย ใจดี",
        national_id="1101700230708",
    )
    assert found(lampang_recorder, "1101700230708") == ["นายสมชาย ใจดี"]
    assert found(lampang_recorder, "11017") == ["นายสมชาย ใจดี"]


def test_filters_by_kind_unit_and_state(lampang_recorder, subjects):
    assert found(lampang_recorder, "", kind="otop_producer") == ["วิสาหกิจชุมชนกลุ่มทอผ้าฝ้ายบ้านท่าขัว"]
    under = OrgUnit.objects.get(code="520102")
    assert sorted(found(lampang_recorder, "", under=under)) == sorted(
        ["ศูนย์จัดการกองทุนชุมชนตำบลพระบาท", "วิสาหกิจชุมชนกลุ่มทอผ้าฝ้ายบ้านท่าขัว"]
    )
    dissolved = subjects["นางสมศรี ใจดี"]
    services.dissolve_subject(lampang_recorder, dissolved, dt.date(2019, 1, 1))
    assert found(lampang_recorder, "", state="dissolved") == ["นางสมศรี ใจดี"]
    assert "นางสมศรี ใจดี" not in found(lampang_recorder, "", state="active")


def test_search_stays_in_scope(lampang_admin, executive, chaiyaphum_recorder, dept_admin, subjects):
    assert found(chaiyaphum_recorder, "ออมทรัพย์") == []
    lampang = OrgUnit.objects.get(code="5201")
    assert found(chaiyaphum_recorder, "", under=lampang) == []
    assert len(found(lampang_admin, "")) == len(NAMES)
    assert len(found(executive, "")) == len(NAMES)
    assert len(found(dept_admin, "ออมทรัพย์")) == 1


def test_a_renamed_subject_is_found_by_its_new_name(lampang_recorder, subjects):
    group = subjects["กลุ่มออมทรัพย์เพื่อการผลิตบ้านเวียงเหนือ"]
    services.update_subject(
        lampang_recorder, group, name="กลุ่มสัจจะสะสมทรัพย์บ้านเวียงเหนือ", orgunit=group.orgunit
    )
    assert found(lampang_recorder, "สัจจะ") == ["กลุ่มสัจจะสะสมทรัพย์บ้านเวียงเหนือ"]
    assert found(lampang_recorder, "ออมทรัพย์") == []


def test_the_search_text_holds_words_then_syllables():
    text = services.tokens("วิสาหกิจชุมชนกลุ่มทอผ้าฝ้าย")
    words, syllables = text.split(f" {services.SYLLABLE_MARK} ")
    assert words.split() == ["วิสาหกิจ", "ชุมชน", "กลุ่ม", "ทอ", "ผ้าฝ้าย"]
    assert {"ผ้า", "ฝ้าย"} <= set(syllables.split())
    assert services.tokens("OTOP Lampang") == "otop lampang"
