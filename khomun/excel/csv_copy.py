"""CSV exports on PostgreSQL: the database writes the rows itself, with COPY.

A million-row export formatted in Python spends most of its time decoding each
record's JSON, formatting cells and quoting them (docs/architecture.md); here the
same cells are worked out in the SELECT and `COPY (SELECT ...) TO STDOUT (FORMAT
csv)` sends finished lines, which the response passes on in 64 KB chunks. The
Python writer (`exports.csv_row_writer`) stays the reference and the SQLite path:
tests on PostgreSQL compare the two byte for byte, stored values of odd types
included (a definition can change a field's type between versions).

Each field's cell, as `exports._csv_formatter` makes it:
- empty (no key, JSON null, "") → an empty cell;
- a personal field on a row the user may not see in full → masked (last 4 kept);
- choice → the label in the export's language; multichoice → labels joined by ", ";
- boolean → ใช่/ไม่ใช่ (yes/no) by Python's truthiness;
- integer and decimal given as text → the number without trailing zeros;
- anything else → its text (a string as stored, a number as JSON wrote it, a list as JSON).
Known differences, for values the validation never stores: decimals of more than 15
significant digits (Python goes through a float), keys of a JSON object (PostgreSQL
sorts them), dates that are ISO but not YYYY-MM-DD, lists or objects in a personal or
number field (Python writes their repr there).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import connections, transaction
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from khomun.catalog.definition import Choice, FieldDef
from khomun.excel.values import NO, YES
from khomun.orgunits.models import under_any

if TYPE_CHECKING:
    from khomun.excel.exports import RowMaker
    from khomun.records.models import Record

CHUNK_BYTES = 64 * 1024
SQL = tuple[str, list[Any]]  # a fragment of SQL and its parameters
# Decimal() accepts these; PostgreSQL's numeric input accepts the same text.
NUMBER_PATTERN = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"


def _by_type(
    v: str,
    string: SQL,
    *,
    number: SQL | None = None,
    boolean: SQL | None = None,
    array: SQL | None = None,
    obj: SQL | None = None,
) -> SQL:
    """A CASE on the JSON type of the value `v`. A type not given shows the value as
    Python's str() would (JSON text, True/False); JSON null and a missing key give NULL."""
    as_text: SQL = (f"{v} #>> '{{}}'", [])
    branches = {
        "string": string,
        "number": number or as_text,
        "boolean": boolean or (f"CASE WHEN {v} = 'true'::jsonb THEN 'True' ELSE 'False' END", []),
        "array": array or as_text,
        "object": obj or as_text,
    }
    whens = " ".join(f"WHEN '{kind}' THEN {sql}" for kind, (sql, _params) in branches.items())
    return f"CASE jsonb_typeof({v}) {whens} END", [p for _sql, ps in branches.values() for p in ps]


def _text(v: str) -> str:
    return f"({v} #>> '{{}}')"


def _label(choice: Choice, lang: str) -> str:
    return choice.label_en if lang == "en" and choice.label_en else choice.label_th


def _quote(text: str) -> str:
    """A string literal of SQL (standard_conforming_strings: only ' is special), with
    % doubled: the query goes out with parameters, where % starts a placeholder."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _labels(f: FieldDef, v: str, lang: str) -> SQL:
    """A string value as `choice_label` shows it: its option's label, else itself."""
    text = _text(v)
    whens, params = [], []
    for choice in f.choices:
        whens.append("WHEN %s THEN %s")
        params += [choice.value, _label(choice, lang)]
    if not whens:
        return text, []
    return f"CASE {text} {' '.join(whens)} ELSE {text} END", params


def _choice(f: FieldDef, v: str, lang: str) -> SQL:
    return _by_type(v, _labels(f, v, lang))


# Lists up to this long are joined without a subquery: a subquery per row took three
# times as long (about 3 s against 1 s of a million-row export).
SHORT_LIST = 6


def _list_item(f: FieldDef, v: str, i: int, lang: str) -> SQL:
    """Item `i` of the list `v` as `choice_label` shows it ('' for a JSON null)."""
    item = f"({v} -> {i})"
    if any(c.value.isdigit() or c.value in ("true", "false") for c in f.choices):
        typed, params = _choice(f, item, lang)  # ->> would mistake 1 or true for an option
        return f"COALESCE({typed}, '')", params
    # Options start with a letter and are not true/false: only a string item's text can
    # be one, so the text is looked up first and the JSON type asked only for the rest.
    whens = " ".join(f"WHEN {_quote(c.value)} THEN {_quote(_label(c, lang))}" for c in f.choices)
    other = (
        f"CASE jsonb_typeof({item}) WHEN 'boolean' THEN CASE WHEN {item} = 'true'::jsonb"
        f" THEN 'True' ELSE 'False' END ELSE COALESCE({v} ->> {i}, '') END"
    )
    return f"CASE {v} ->> {i} {whens} ELSE {other} END", []


def _multichoice(f: FieldDef, v: str, lang: str) -> SQL:
    """A list → its labels joined by ", " (an empty list is an empty cell)."""
    whens, params = [], []
    for length in range(1, min(len(f.choices), SHORT_LIST) + 1):
        items = [_list_item(f, v, i, lang) for i in range(length)]
        whens.append(f"WHEN {length} THEN " + " || ', ' || ".join(sql for sql, _ in items))
        params += [p for _sql, item_params in items for p in item_params]
    item, item_params = _choice(f, "item.value", lang)
    many = (
        f"CASE jsonb_array_length({v}) WHEN 0 THEN NULL {' '.join(whens)} ELSE"
        f" (SELECT string_agg(COALESCE({item}, ''), ', ' ORDER BY item.n)"
        f" FROM jsonb_array_elements({v}) WITH ORDINALITY AS item(value, n)) END"
    )
    return _by_type(v, _labels(f, v, lang), array=(many, params + item_params))


def _boolean(v: str, lang: str) -> SQL:
    """ใช่/ไม่ใช่ by Python's truth of the value; an empty list stays an empty cell."""
    yes, no = YES[lang], NO[lang]
    return _by_type(
        v,
        (f"CASE WHEN {_text(v)} = '' THEN NULL ELSE %s END", [yes]),
        number=(f"CASE WHEN {_text(v)}::numeric <> 0 THEN %s ELSE %s END", [yes, no]),
        boolean=(f"CASE WHEN {v} = 'true'::jsonb THEN %s ELSE %s END", [yes, no]),
        array=(f"CASE WHEN jsonb_array_length({v}) = 0 THEN NULL ELSE %s END", [yes]),
        obj=(f"CASE WHEN {v} = '{{}}'::jsonb THEN %s ELSE %s END", [no, yes]),
    )


def _number(v: str) -> SQL:
    """Numeric text without trailing zeros ("1.50" → "1.5", "3.00" → "3"), as
    `values.as_number` gives it; other text as it is."""
    text = _text(v)
    cleaned = f"CASE WHEN {text} ~ %s THEN trim_scale({text}::numeric)::text ELSE {text} END"
    return _by_type(v, (cleaned, [NUMBER_PATTERN]))


def _mask(text: SQL) -> SQL:
    """`personal.mask`: all but the last 4 characters become x."""
    sql, params = text
    return f"repeat('x', greatest(length({sql}) - 4, 0)) || right({sql}, 4)", params * 2


def field_cell(f: FieldDef, v: str, lang: str, masked: bool) -> SQL:
    """The SQL text of one field's cell (NULL or '' for an empty one) from `v`, the
    field's stored value as jsonb."""
    if masked:
        return _mask(_by_type(v, (_text(v), [])))
    if f.type == "choice":
        return _choice(f, v, lang)
    if f.type == "multichoice":
        return _multichoice(f, v, lang)
    if f.type == "boolean":
        return _boolean(v, lang)
    if f.type in ("integer", "decimal"):
        return _number(v)
    return _by_type(v, (_text(v), []))  # text, date, money and codes: a string as stored


def _nonempty(expression: Any) -> NullIf:
    """An empty text as NULL: COPY quotes "" but leaves NULL bare, as Python's csv does."""
    return NullIf(expression, Value(""), output_field=TextField())


def copy_query(maker: RowMaker, records: QuerySet[Record]) -> SQL:
    """The SELECT whose rows are the export's CSV lines, cell for cell."""
    req, lang = maker.req, maker.lang
    minute = Func(
        Func(Value(timezone.get_current_timezone_name()), F("updated_at"), function="timezone"),
        Value("YYYY-MM-DD HH24:MI"),
        function="to_char",
        output_field=TextField(),
    )
    unit_name: Any = F("orgunit__name_th")  # OrgUnit.name, in the export's language
    if lang == "en":
        unit_name = Coalesce(NullIf(F("orgunit__name_en"), Value("")), unit_name)
    fixed = [
        Value(str(req.dataset.fiscal_year)),
        Cast("period__number", TextField()),
        F("orgunit__code"),
        unit_name,
        Cast("subject_id", TextField()),
        F("subject__name"),
        F("subject__orgunit__code"),
        Case(
            *[When(state=value, then=Value(label)) for value, label in maker.state_labels.items()],
            output_field=TextField(),
        ),
        Case(
            When(complete=True, then=Value(str(maker.complete_words[True]))),
            default=Value(str(maker.complete_words[False])),
            output_field=TextField(),
        ),
        minute,
    ]
    shown = Q(pk__isnull=False) if maker.paths is None else under_any("orgunit_path", maker.paths)
    # The inner query reads the rows and hands up their sort keys; the outer one takes
    # the fields out of the stored values (one jsonb_to_record call, field keys being
    # identifiers), sorts and formats. With no fence between the two, PostgreSQL reads,
    # joins and unpacks the values in its parallel workers and sorts there, and formats
    # in order after merging: 12.9-13.0 s for a million rows against 15.3-16.0 s with
    # the sort inside an OFFSET 0 subquery (same machine, back to back).
    keys = [str(name) for name in records.query.order_by] or ["pk"]
    columns: dict[str, Any] = {f"c{i}": _nonempty(e) for i, e in enumerate(fixed)}
    columns["shown"] = Case(When(shown, then=Value(True)), default=Value(False))
    columns["stored"] = F("values")
    columns |= {f"s{i}": F(key.lstrip("-")) for i, key in enumerate(keys)}
    inner, params = (
        records.order_by().annotate(**columns).values_list(*columns).query.sql_with_params()
    )
    order = ", ".join(
        f"x.s{i} {'DESC' if key.startswith('-') else 'ASC'}" for i, key in enumerate(keys)
    )
    cells, cell_params = [f"x.c{i}" for i in range(len(fixed))], []
    for f in maker.fields:
        plain, plain_params = field_cell(f, f'v."{f.key}"', lang, masked=False)
        cell = f"NULLIF({plain}, '')"
        if f.key in maker.personal:
            masked, masked_params = field_cell(f, f'v."{f.key}"', lang, masked=True)
            cell = f"NULLIF(CASE WHEN x.shown THEN {plain} ELSE {masked} END, '')"
            plain_params = plain_params + masked_params
        cells.append(cell)
        cell_params += plain_params
    sql = f"SELECT {', '.join(cells)} FROM ({inner}) AS x"
    if maker.fields:
        fields = ", ".join(f'"{f.key}" jsonb' for f in maker.fields)
        sql += f" CROSS JOIN LATERAL jsonb_to_record(x.stored) AS v({fields})"
    return f"{sql} ORDER BY {order}", cell_params + list(params)


class RowCount:
    """The number of rows COPY sent, known once the stream has ended."""

    rows = 0


def copy_lines(maker: RowMaker, records: QuerySet[Record], count: RowCount) -> Iterator[bytes]:
    """The CSV lines, in chunks of about CHUNK_BYTES."""
    sql, params = copy_query(maker, records)
    buffer = bytearray()
    with transaction.atomic(using=records.db), connections[records.db].cursor() as cursor:
        # For this export only: compiling the long formatting expressions costs more
        # than it saves, and a sort with 32 MB rather than 4 merges far fewer runs on
        # disk (about 1 and 1.5 s of a million-row export).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '32MB'")
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            for data in copy:
                buffer += data
                if len(buffer) >= CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
        count.rows = cursor.rowcount
    if buffer:
        yield bytes(buffer)
