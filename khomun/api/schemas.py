"""Typed shapes of API v1. These names and fields are a contract: extend, never rename."""

from typing import Literal

from ninja import Schema

LevelName = Literal["country", "province", "district", "subdistrict", "village"]


class OrgUnitOut(Schema):
    code: str
    name_th: str
    name_en: str
    level: LevelName
    parent: str | None


class OrgUnitPage(Schema):
    items: list[OrgUnitOut]
    count: int


class RoleOut(Schema):
    role: str
    orgunit: OrgUnitOut


class MeOut(Schema):
    username: str
    name: str
    email: str
    language: str
    roles: list[RoleOut]
    scope: list[str]
