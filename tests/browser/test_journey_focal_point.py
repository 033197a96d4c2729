"""Journey of a focal point, in French from start to end: she signs up and confirms her address,
asks for the focal-point role and is granted it, assesses her country's capacity, submits a
request for assistance, answers the help desk's question, then sees the suggested offers and says
which one interests her. Each main page passes axe-core's checks."""

import re

import pytest
from django.core import mail

from chm_portal.accounts.models import FocalPoint, RoleRequest, User
from chm_portal.accounts.services import role_request_approve
from matchmaking.models import Match
from matchmaking.services.suggestions import suggestions_refresh_needs
from needs import services as need_services
from needs.models import AssessmentEntry, Need
from tests.browser.conftest import run_axe, snap
from tests.factories import PASSWORD, OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "awa.ndiaye@environnement.example"


def confirmation_link() -> str:
    """The address-confirmation link of the one email allauth sent."""
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    return re.search(r"https?://\S+/confirm-email/\S+/", message.body).group(0)


def test_a_focal_point_signs_up_assesses_requests_in_french_and_chooses_an_offer(
    live_server, page, request, country_a, helpdesk_user, organisation_x
):
    base = live_server.url

    # --- She creates an account on the French site and confirms her address.
    page.goto(f"{base}/fr/accounts/signup/")
    assert page.get_by_role("heading", level=1).inner_text() == "Créer un compte"
    assert run_axe(page) == []
    page.get_by_label("Nom complet").fill("Awa Ndiaye")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_label(re.compile("^Pays de résidence")).select_option(label="Kenya")
    snap(page, request, "1-signup")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Confirmez votre adresse électronique").wait_for()
    assert run_axe(page) == []

    awa = User.objects.get(email=EMAIL)
    assert (awa.full_name, awa.preferred_language, awa.country) == ("Awa Ndiaye", "fr", country_a)

    page.goto(confirmation_link())
    assert f"Confirmez que {EMAIL} est bien votre adresse électronique." in page.inner_text("main")
    page.get_by_role("button", name="Confirmer").click()

    # Confirmed, she signs in (allauth does not sign in from the emailed link).
    page.wait_for_url(re.compile(r".*/fr/accounts/login/$"))
    assert f"Vous avez confirmé {EMAIL}." in page.locator(".messages").inner_text()
    page.get_by_label("Courriel").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/fr/me/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Mon compte"
    assert "Awa Ndiaye" in page.locator(".lead").first.inner_text()

    # --- She asks to be CHM focal point of Kenya; the help desk approves.
    page.get_by_role("link", name="Demander un rôle").first.click()
    page.wait_for_url(re.compile(r".*/fr/me/roles/request/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Demander un rôle"
    page.get_by_label("Rôle", exact=True).select_option(label="Correspondant national")
    page.get_by_label(re.compile("^Pays")).select_option(label="Kenya")
    page.get_by_label(re.compile("^Type de correspondant national")).select_option(
        label="Correspondant national du Centre d'échange (CHM)"
    )
    page.get_by_label(re.compile("^Fonction officielle")).fill(
        "Directrice de la biodiversité, ministère de l'Environnement"
    )
    page.get_by_label(re.compile("^Pourquoi avez-vous besoin")).fill(
        "Nommée par la lettre du ministère du 3 mars, publiée sur le site de la CDB."
    )
    assert run_axe(page) == []
    snap(page, request, "2-role-request")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r".*/fr/me/$"))
    assert page.get_by_text("Votre demande a été envoyée.").is_visible()
    assert "En attente" in page.locator("#my-requests + *").inner_text()

    role_request = RoleRequest.objects.get(user__email=EMAIL)
    role_request_approve(role_request=role_request, by=helpdesk_user, note="Nomination vérifiée.")
    assert FocalPoint.objects.filter(user__email=EMAIL, country=country_a).exists()
    page.reload()
    assert (
        "Correspondant national du Centre d'échange (CHM) pour Kenya, depuis le"
        in page.inner_text("main")
    )

    # --- She assesses Kenya's capacity for target 6 and submits the assessment.
    page.goto(f"{base}/fr/needs/assessments/")
    assert page.get_by_role("heading", level=1).inner_text() == "Évaluations des capacités"
    assert run_axe(page) == []
    page.get_by_role("button", name="Ouvrir l'évaluation").click()
    page.wait_for_url(re.compile(r".*/fr/needs/assessments/\d+/$"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Évaluation des capacités") and "Kenya" in heading
    row = page.locator("tr#target-6")
    row.get_by_label(re.compile("^Capacité individuelle")).select_option("1")
    row.locator("[data-autosave-status]").filter(has_text="Enregistré").wait_for()
    assert "1 sur 23" in page.locator("#assessment-progress-text").inner_text()
    assert run_axe(page) == []
    snap(page, request, "3-assessment")
    page.get_by_role("button", name="Soumettre l'évaluation").click()
    page.get_by_text("L'évaluation a été soumise.").wait_for()
    assert page.get_by_role("heading", name="Principales lacunes de capacités").is_visible()
    assert AssessmentEntry.objects.get(target__number=6).capacity_individual == 1

    # --- She writes a request for assistance in French, in four steps.
    page.goto(f"{base}/fr/needs/new/")
    assert run_axe(page) == []
    page.get_by_label(re.compile("^Titre")).fill("Lutte contre les espèces exotiques envahissantes")
    page.get_by_label(re.compile("^Organisation demandeuse")).fill(
        "Service kényan de la faune sauvage"
    )
    page.get_by_label(re.compile("^Exposé du problème")).fill(
        "La jacinthe d'eau et la salvinia envahissent nos zones humides et nos lacs."
    )
    page.get_by_label(re.compile("^Objectifs")).fill(
        "Former nos agents à la détection précoce et à la lutte contre les plantes aquatiques "
        "envahissantes."
    )
    snap(page, request, "4-request-about")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r".*/edit/needed/$"))
    page.get_by_label(re.compile(r"\bGBF-T6 ")).check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r".*/edit/practicalities/$"))
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r".*/edit/review/$"))
    assert page.get_by_text("Lutte contre les espèces exotiques envahissantes").first.is_visible()
    assert run_axe(page) == []
    page.get_by_role("button", name="Soumettre au service d'assistance").click()
    page.wait_for_url(re.compile(r".*/submitted/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande a été soumise"
    need = Need.objects.get()
    assert need.status == Need.Status.SUBMITTED and need.language == "fr"
    assert page.get_by_text(need.reference).first.is_visible()
    assert run_axe(page) == []
    snap(page, request, "5-request-submitted")

    # --- The help desk asks a question; she answers it on the request's page.
    need_services.need_request_clarification(
        need=need, by=helpdesk_user, message="Combien d'agents faut-il former, et où ?"
    )
    page.goto(f"{base}/fr/needs/mine/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mes demandes"
    assert "le service d'assistance attend votre réponse" in page.locator("table").inner_text()
    page.get_by_role("link", name=need.reference).click()
    page.wait_for_url(re.compile(rf".*/fr/needs/{need.reference}/manage/$"))
    question = page.locator("#clarification")
    assert "Combien d'agents faut-il former, et où ?" in question.inner_text()
    assert run_axe(page) == []
    question.get_by_label(re.compile("^Votre réponse")).fill(
        "Douze agents, aux lacs Naivasha et Baringo."
    )
    snap(page, request, "6-clarification")
    question.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Votre réponse a été envoyée.").wait_for()
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert (
        "Douze agents, aux lacs Naivasha et Baringo." in page.locator("#conversation").inner_text()
    )

    # --- Published, the request gets suggestions; she says which offer interests her.
    offer = OfferFactory(
        provider=organisation_x,
        title="Early detection of invasive aquatic plants",
        description="Training for wetland managers on surveillance and control of invasive "
        "aquatic weeds such as salvinia and water hyacinth.",
    )
    offer.targets.add(*need.targets.all())
    need_services.need_publish(need=need, by=helpdesk_user)
    suggestions_refresh_needs(need_ids=[need.pk])

    page.goto(f"{base}/fr/matchmaking/requests/{need.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Suggestions et mises en relation"
    suggestion = page.locator(f"#suggestion-{offer.pk}")
    assert suggestion.get_by_role("link", name=offer.title).is_visible()
    assert "Mangrove Alliance" in suggestion.inner_text()
    assert run_axe(page) == []
    suggestion.get_by_label(re.compile("^Note au service d'assistance")).fill(
        "Cette formation correspond exactement à notre besoin."
    )
    snap(page, request, "7-suggestions")
    suggestion.get_by_role("button", name=re.compile("^Cela m'intéresse")).click()
    page.get_by_text("Le service d'assistance est informé de votre intérêt").wait_for()
    match = Match.objects.get()
    assert (match.need, match.offer) == (need, offer)
    assert match.status == Match.Status.INTEREST
    assert suggestion.get_by_role("link", name=re.compile("Mise en relation")).is_visible()
