"""Demo accounts, one for each role (listed in the README). Idempotent."""

import datetime
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.utils import timezone

from chm_portal.vocabularies.models import Country

from . import services
from .models import FocalPoint, User
from .roles import STAFF_ROLE_GROUPS, FocalPointKind, Role

DEMO_PASSWORD = "chm-demo-2026"
DEMO_DOMAIN = "demo.chm-portal.org"

# (local part, full name, preferred language, country code, staff role, focal points)
DEMO_PEOPLE = [
    ("admin", "Sam Admin", "en", None, None, []),
    ("helpdesk", "Hana Helpdesk", "en", "CA", Role.HELPDESK, []),
    ("reviewer", "Rui Reviewer", "es", "MX", Role.CONTENT_REVIEWER, []),
    ("focal.kenya", "Amani Otieno", "en", "KE", None, [("KE", FocalPointKind.CBD)]),
    ("focal.kenya.chm", "Baraka Mwangi", "en", "KE", None, [("KE", FocalPointKind.CHM)]),
    ("focal.brazil", "Beatriz Souza", "es", "BR", None, [("BR", FocalPointKind.CBD)]),
    ("partner.admin", "Xavier Dupont", "fr", "FR", None, []),
    ("partner.editor", "Yara Haddad", "fr", "MA", None, []),
    ("learner", "Lea Learner", "fr", "SN", None, []),
]


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def _person(local_part: str, full_name: str, language: str, country_code: str | None) -> User:
    email = demo_email(local_part)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            full_name=full_name,
            preferred_language=language,
            country=Country.objects.filter(code=country_code).first() if country_code else None,
        )
    # allauth requires a verified address to sign in.
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, log: Callable[[str], None]) -> None:
    admin = _person("admin", "Sam Admin", "en", None)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    services.staff_role_grant(user=admin, role=Role.SITE_ADMIN, by=admin)

    for local_part, full_name, language, country_code, staff_role, focal_points in DEMO_PEOPLE:
        user = _person(local_part, full_name, language, country_code)
        if staff_role and not user.groups.filter(name=STAFF_ROLE_GROUPS[staff_role]).exists():
            services.staff_role_grant(user=user, role=staff_role, by=admin)
        for code, kind in focal_points:
            country = Country.objects.get(code=code)
            if (
                not FocalPoint.objects.active()
                .filter(user=user, country=country, kind=kind)
                .exists()
            ):
                services.focal_point_grant(user=user, country=country, kind=kind, by=admin)
    # The demo people have used the portal lately (the dashboards count active users).
    for index, (local_part, *_rest) in enumerate(DEMO_PEOPLE):
        User.objects.filter(email__iexact=demo_email(local_part), last_login__isnull=True).update(
            last_login=timezone.now() - datetime.timedelta(days=2 + 8 * index)
        )
    log(f"accounts: {len(DEMO_PEOPLE)} demo people (password {DEMO_PASSWORD!r})")
