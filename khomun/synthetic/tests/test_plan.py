"""Shares, villages, national IDs and search text: the pure parts of the generator."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from stdnum.th import pin

from khomun.records.services import tokens
from khomun.synthetic.generator import search_text
from khomun.synthetic.plan import Area, allot, village_count, village_layout
from khomun.synthetic.population import check_digit, national_id
from khomun.synthetic.progress import Progress, clock


def test_allot_splits_a_target_exactly_and_roughly_by_weight() -> None:
    weights = {f"{n:04d}": 1 + n % 9 for n in range(1, 879)}
    shares = allot(1, "otop", 80_000, weights)
    assert sum(shares.values()) == 80_000
    small = sum(shares[c] for c, w in weights.items() if w == 1)
    large = sum(shares[c] for c, w in weights.items() if w == 9)
    assert 6 < large / small < 12  # nine times the subdistricts, give or take the skew


def test_a_districts_share_does_not_depend_on_which_districts_are_generated() -> None:
    weights = {"5201": 19, "5202": 10, "3601": 17}
    assert allot(4, "savings", 25_000, weights) == allot(4, "savings", 25_000, dict(weights))
    assert allot(4, "savings", 25_000, weights) != allot(5, "savings", 25_000, weights)


def test_villages_follow_the_tree_rules_and_are_the_same_for_every_seed() -> None:
    sub = Area("520101", "เวียงเหนือ", "TH/52/5201/520101/", 7)
    villages = village_layout(sub)
    assert len(villages) == village_count("520101") >= 3
    for moo, village in enumerate(villages, 1):
        assert village.code == f"520101{moo:02d}"
        assert village.path == f"TH/52/5201/520101/{village.code}/"
        assert not village.name.startswith("บ้าน")  # full_name_th adds it
    assert village_layout(sub) == villages


def test_national_ids_carry_the_spec_check_digit() -> None:
    number = national_id(dt.date(1970, 5, 1), "5201", 123)
    assert number == "3520100001230"[:12] + check_digit("352010000123")
    assert pin.is_valid(number)
    assert national_id(dt.date(1990, 5, 1), "5201", 123).startswith("15201")
    # SPEC §7: (11 - sum(d[i] * (13 - i)) % 11) % 10
    assert check_digit("110170020345") == str(
        (11 - sum(int(d) * (13 - i) for i, d in enumerate("110170020345")) % 11) % 10
    )


@pytest.mark.parametrize(
    "name",
    [
        "กลุ่มออมทรัพย์เพื่อการผลิต บ้านหนองบัวทอง",
        "สมชาย ศรีสุวรรณ",
        "วิสาหกิจชุมชนกลุ่มทอผ้า บ้านดอนแก้ว",
        "บริษัท ล้านนาเซรามิก จำกัด",
        "เครือข่ายกองทุนชุมชน ตำบลเวียงเหนือ",
    ],
)
def test_search_text_is_the_services_tokens(name: str) -> None:
    assert search_text(name) == tokens(name)


def test_the_progress_line_says_how_far_and_how_long() -> None:
    stream = io.StringIO()
    progress = Progress(25_000_000, stream)
    progress.done = 1_234_567
    line = progress.line()
    assert line.startswith("records 1,234,567 / 25,000,000    5%")
    assert line.endswith("left")
    progress.advance(10)
    progress.close()
    assert "records 1,234,577" in stream.getvalue()
    assert clock(184) == "3:04" and clock(3_725) == "1:02:05"
