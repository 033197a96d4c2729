"""Demo partner organisations with an administrator and an editor. Idempotent."""

from collections.abc import Callable

from chm_portal.accounts.demo import demo_email
from chm_portal.accounts.models import User
from chm_portal.vocabularies.models import Country, OrganisationType

from . import services
from .models import Membership, Organisation

# (name, acronym, type code, headquarters, website, description)
DEMO_ORGANISATIONS = [
    (
        "Biodiversity Capacity Network",
        "BCN",
        "network",
        "FR",
        "https://capacity-network.example.org",
        "A network of trainers and institutions that supports national biodiversity strategies "
        "with training, mentoring and exchanges.",
    ),
    (
        "Institute for Island Ecosystems",
        "IIE",
        "academia",
        "FJ",
        "https://island-ecosystems.example.org",
        "A research institute working on island biodiversity, invasive alien species and marine "
        "protected areas in the Pacific.",
    ),
    (
        "Andean Conservation Fund",
        "ACF",
        "funding_agency",
        "PE",
        "https://andean-fund.example.org",
        "Small grants and co-financing for community-based conservation in the Andes.",
    ),
]


def seed(*, log: Callable[[str], None]) -> None:
    admin = User.objects.get(email__iexact=demo_email("admin"))
    partner_admin = User.objects.get(email__iexact=demo_email("partner.admin"))
    partner_editor = User.objects.get(email__iexact=demo_email("partner.editor"))
    for name, acronym, type_code, country_code, website, description in DEMO_ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_register(
                by=partner_admin,
                name=name,
                acronym=acronym,
                organisation_type=OrganisationType.objects.get(code=type_code),
                country=Country.objects.get(code=country_code),
                website=website,
                description=description,
            )
        if organisation.status != Organisation.Status.APPROVED:
            services.organisation_approve(organisation=organisation, by=admin)
        if not Membership.objects.filter(organisation=organisation, user=partner_editor).exists():
            services.membership_add(
                organisation=organisation,
                user=partner_editor,
                role=Membership.Role.EDITOR,
                by=partner_admin,
            )
    log(f"partners: {len(DEMO_ORGANISATIONS)} approved organisations")
