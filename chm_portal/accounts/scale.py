"""People of the scale data set (``manage.py seed_scale``): 20,000 accounts at scale 1.

Two or three national focal points for each of the 196 Parties (CBD, Clearing-House Mechanism,
often capacity-building), a dozen help-desk staff, and people of every country who learn, work for
partner organisations or just follow the portal; seven in ten signed in during the last year.
Four named accounts with a known password let benchmarks and people sign in:
``focal.scale@``, ``helpdesk.scale@``, ``partner.scale@`` and ``learner.scale@scale.example``.
Every other account has an unusable password.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from chm_portal.core.scale import ScaleContext, copy_links, copy_rows, reserve_ids, scale_email
from chm_portal.vocabularies.scale import load_terms

from .models import FocalPoint, User
from .roles import HELPDESK_GROUP, STAFF_ROLE_GROUPS, FocalPointKind, Role

PEOPLE = 20_000
HELPDESK_STAFF = 12
SCALE_PASSWORD = "chm-scale-2026"
# The named accounts, first in the id order: (local part, full name, language).
NAMED = [
    ("focal.scale", "Fatou Scale", "fr"),
    ("helpdesk.scale", "Hugo Scale", "en"),
    ("partner.scale", "Paula Scale", "es"),
    ("learner.scale", "Lena Scale", "en"),
]

FIRST_NAMES = [
    "Amani", "Beatriz", "Chen", "Dmitri", "Esther", "Fatima", "Gabriel", "Hana", "Ibrahim",
    "Juana", "Kofi", "Leila", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sipho",
    "Tariq", "Ulla", "Valeria", "Wei", "Xavier", "Yara", "Zainab", "Aroha", "Bongani", "Camille",
    "Diego", "Elif", "Farid", "Grace", "Hiroshi", "Isabel", "Jomo", "Kiri", "Lucía", "Malik",
]  # fmt: skip
LAST_NAMES = [
    "Otieno", "Souza", "Wang", "Ivanov", "Mensah", "Haddad", "Dupont", "Tanaka", "Diallo",
    "Pérez", "Nkosi", "Rahman", "García", "Kowalski", "Ndiaye", "Silva", "Nguyen", "Moreau",
    "Okafor", "Sharma", "Lindqvist", "Rojas", "Kamau", "Baptiste", "Ali", "Fernández", "Tupou",
    "Bakr", "Mwangi", "Hernández", "Petit", "Adeyemi", "Castro", "Singh", "Popescu", "Taufa",
]  # fmt: skip
ORGANISATIONS = [
    "Ministry of Environment", "National Parks Authority", "University", "Forestry Department",
    "Wildlife Service", "Environmental NGO", "Fisheries Institute", "Botanic Garden",
    "Natural History Museum", "Municipality", "",
]  # fmt: skip


def generate(ctx: ScaleContext) -> None:
    rng = ctx.random("accounts")
    terms = load_terms(ctx.seed)
    total = ctx.count(PEOPLE, minimum=len(NAMED) + HELPDESK_STAFF + 3 * len(terms.parties) + 100)
    ids = iter(reserve_ids(User, total))
    usable = make_password(SCALE_PASSWORD)
    users: list[dict] = []
    focal_points: list[dict] = []

    def person(local_part: str, full_name: str, language: str, country_id, **extra) -> dict:
        joined = ctx.ago(rng, 2200)
        row = {
            "id": next(ids),
            "email": scale_email(local_part),
            "password": "!",
            "full_name": full_name,
            "preferred_language": language,
            "country_id": country_id,
            "organisation_name": rng.choice(ORGANISATIONS),
            "date_joined": joined,
            "last_login": max(joined, ctx.ago(rng, 365)) if rng.random() < 0.7 else None,
            **extra,
        }
        users.append(row)
        return row

    busiest = max(terms.parties, key=lambda party: party.weight)
    named = {}
    for local_part, full_name, language in NAMED:
        country = busiest.id if local_part == "focal.scale" else terms.party(rng).id
        named[local_part] = person(
            local_part, full_name, language, country, password=usable, last_login=ctx.now
        )
    kinds = [FocalPointKind.CBD, FocalPointKind.CHM]
    focal_points.append(_focal_point(named["focal.scale"], busiest.id, FocalPointKind.CBD, ctx))
    # Focal points: two or three people per Party.
    for party in terms.parties:
        wanted = kinds + ([FocalPointKind.CAPACITY_BUILDING] if rng.random() < 0.5 else [])
        for kind in wanted:
            if party.id == busiest.id and kind == FocalPointKind.CBD:
                continue
            language = rng.choices(("en", "fr", "es"), weights=(6, 2, 2))[0]
            row = person(
                f"focal.{party.code.lower()}.{kind}",
                _name(rng),
                language,
                party.id,
                organisation_name="Ministry of Environment",
            )
            focal_points.append(_focal_point(row, party.id, kind, ctx))
    staff = [named["helpdesk.scale"]]
    for number in range(HELPDESK_STAFF - 1):
        staff.append(person(f"helpdesk{number + 1}", _name(rng), "en", None))
    for row in staff:
        row["is_staff"] = True
    # Everyone else: learners, partners' staff, followers, from every country.
    number = 0
    while len(users) < total:
        number += 1
        country = terms.party(rng).id if rng.random() < 0.85 else rng.choice(terms.country_ids)
        language = rng.choices(("en", "fr", "es"), weights=(60, 22, 18))[0]
        person(f"person{number}", _name(rng), language, country if rng.random() < 0.95 else None)
    ctx.step("people", copy_rows(User, users))
    ctx.step("  focal point assignments", copy_rows(FocalPoint, focal_points))
    group, _created = Group.objects.get_or_create(name=HELPDESK_GROUP)
    ctx.step("  help-desk staff", copy_links(User.groups, ((row["id"], group.pk) for row in staff)))
    for role in (Role.CONTENT_REVIEWER, Role.SITE_ADMIN):
        Group.objects.get_or_create(name=STAFF_ROLE_GROUPS[role])
    # allauth signs in verified addresses only: the named accounts'.
    copy_rows(
        EmailAddress,
        (
            {"user_id": row["id"], "email": row["email"], "verified": True, "primary": True}
            for row in named.values()
        ),
    )


def _focal_point(row: dict, country_id: int, kind: str, ctx: ScaleContext) -> dict:
    return {
        "user_id": row["id"],
        "country_id": country_id,
        "kind": kind,
        "granted_at": max(row["date_joined"], ctx.now - datetime.timedelta(days=2000)),
    }


def _name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
