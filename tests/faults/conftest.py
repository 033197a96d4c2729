import pytest

from needs import services
from needs.models import Need


@pytest.fixture
def draft(focal_point_a, country_a) -> Need:
    """A focal point's request for assistance, complete but not yet submitted."""
    return services.need_create(
        by=focal_point_a,
        country=country_a,
        title="Training in species identification",
        fields={
            "problem_statement": "Too few trained staff.",
            "objectives": "Train staff.",
            "requesting_organisation": "Ministry of Environment",
            "contact_name": "Amani Otieno",
            "contact_email": "amani.otieno@environment.go.ke",
        },
    )
