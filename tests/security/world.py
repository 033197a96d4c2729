"""The people and records of the permission matrix (``test_permission_matrix.py``).

People (the columns of the matrix), on top of the named people of the root ``conftest.py``:

- ``anon``: a visitor who is not signed in
- ``lea``: Lea, signed in with no role; the owner of the personal records (enrolments, saved
  searches, inbox messages, applications, a role request, community posts)
- ``amani``: focal point of Kenya (country A): an owner of the Kenyan records
- ``beatriz``: focal point of Brazil (country B): another country's focal point
- ``naira``: member of an approved IPLC organisation, author of the Kenyan draft request
- ``xavier``: administrator of organisation X, which owns the partners' records, the offers of
  the matches and the courses
- ``ximena``: editor (not administrator) at organisation X
- ``yara``: administrator of organisation Y: another organisation's member
- ``rui``: content reviewer
- ``hana``: help desk
- ``root``: a superuser

Records are Kenyan (country A) or organisation X's (A side) unless their name says otherwise:
the B-side people see them as another tenant's records. Each is built only when a table needs
it, and answers the keyword arguments of the URLs that point at it (``{"pk": ..., "kind": ...}``);
a route takes the ones its pattern names.
"""

from __future__ import annotations

import datetime
import secrets
from functools import cached_property
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import resolve, reverse
from django.utils import timezone

from chm_portal.accounts.models import RoleRequest
from chm_portal.alerts.models import Follow, InboxMessage, SavedSearch
from chm_portal.quality.models import QualityReview
from chm_portal.vocabularies.models import GBFTarget
from commitments.models import ModerationStatus
from commitments.tests.factories import (
    CommitmentFactory,
    NewsItemFactory,
    PublishedCommitmentFactory,
)
from elearning.models import (
    Alumnus,
    Certificate,
    Community,
    CommunityMembership,
    CourseInvitation,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    Post,
    QuizAttempt,
    Thread,
)
from elearning.services.alumni import record_course_completion
from elearning.services.certificates import issue_certificate
from elearning.services.communities import start_thread
from elearning.services.quizzes import start_attempt
from matchmaking.models import MatchingWorkshop
from monitoring.indicators import all_indicators
from monitoring.models import Evaluation, NationalNode, NodeNewsItem
from monitoring.tests.factories import EvaluationFactory
from needs import services as need_services
from needs.models import Need, NeedAttachment
from partners.models import Invitation, Membership, OpportunityApplication
from tests.factories import (
    CommunityFactory,
    EventFactory,
    InitiativeFactory,
    MatchFactory,
    MatchNeedFactory,
    MembershipFactory,
    OfferFactory,
    OpportunityFactory,
    OrganisationFactory,
    OrganisationTypeFactory,
    PartnershipAgreementFactory,
    ProjectFactory,
    ResourceFactory,
    RoleRequestFactory,
    SuccessStoryFactory,
    UserFactory,
    build_course,
)

# What a complete request says (everything ``need_submit`` asks for).
NEED_FIELDS = {
    "problem_statement": "County officers cannot identify the waterbirds counted.",
    "objectives": "Train 40 officers to run the January waterbird census on their own.",
    "expected_outputs": "A field guide in Kiswahili; 40 officers certified.",
    "requesting_organisation": "Il Ngwesi Community Trust",
    "contact_name": "Naira Lemaiyan",
    "contact_email": "naira@ilngwesi.example",
}
NEED_RELATED = {
    "targets": ["GBF-T4"],
    "thematic_areas": ["monitoring_data"],
    "capacity_levels": ["individual"],
    "working_languages": ["en"],
}
NEED_SUPPORT = {"training": "Two field courses of five days."}

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class World:
    """The people and the records; ``kwargs(name)`` gives the URL arguments of record ``name``."""

    def __init__(self, people: dict[str, Any]) -> None:
        self.people = people
        self.p = people  # short, for the builders below
        self.person = ""  # who is asking now (for the bodies that depend on it)

    # --- What the URLs say ---------------------------------------------------------------------
    def kwargs(self, name: str, route_name: str) -> dict[str, Any]:
        """The URL arguments of record ``name`` (``-``: none; ``ref``: the first term of the
        reference data that route ``route_name`` serves)."""
        if name == "-":
            return {}
        if name == "ref":
            listing = resolve(reverse(route_name.removesuffix("-detail") + "-list")).func
            return {"code": listing.cls().get_queryset().first().code}
        return getattr(self, f"url_{name}")

    # --- Commitments ---------------------------------------------------------------------------
    @cached_property
    def commitment(self):
        """Lea's published commitment (she is an individual committing)."""
        return PublishedCommitmentFactory(owner=self.p["lea"], title="Lea's pollinator garden")

    @cached_property
    def commitment_draft(self):
        return CommitmentFactory(owner=self.p["lea"], title="Lea's draft commitment")

    @cached_property
    def commitment_submitted(self):
        return CommitmentFactory(
            owner=self.p["lea"], status=ModerationStatus.SUBMITTED, title="Lea's waiting one"
        )

    @property
    def url_commitment(self) -> dict:
        return {"pk": self.commitment.pk, "action": "withdraw"}

    @property
    def url_commitment_draft(self) -> dict:
        return {"pk": self.commitment_draft.pk, "action": "submit"}

    @property
    def url_commitment_submitted(self) -> dict:
        return {"pk": self.commitment_submitted.pk}

    @property
    def url_actor(self) -> dict:
        return {"actor_type": "individual"}

    @property
    def url_news(self) -> dict:
        return {"pk": NewsItemFactory().pk}

    # --- Needs ---------------------------------------------------------------------------------
    @cached_property
    def need_draft(self) -> Need:
        """Naira's complete Kenyan draft: its owners are Naira and Kenya's focal points."""
        return need_services.need_create(
            by=self.p["naira"],
            country=self.p["amani"].focal_points.get().country,
            title="Community conservancy rangers",
            fields=NEED_FIELDS,
            related=NEED_RELATED,
            support=NEED_SUPPORT,
        )

    def _need_in(self, status: str, **fields: Any) -> Need:
        need = MatchNeedFactory(
            country=self.p["amani"].focal_points.get().country,
            created_by=self.p["amani"],
            status=status,
            **fields,
        )
        return need

    @cached_property
    def need_submitted(self) -> Need:
        return self._need_in(Need.Status.SUBMITTED, published_at=None)

    @cached_property
    def need_clarification(self) -> Need:
        """Amani's complete Kenyan request, on which the help desk asked a question."""
        need = need_services.need_create(
            by=self.p["amani"],
            country=self.p["amani"].focal_points.get().country,
            title="Waterbird census",
            fields=NEED_FIELDS,
            related=NEED_RELATED,
            support=NEED_SUPPORT,
        )
        Need.objects.filter(pk=need.pk).update(status=Need.Status.CLARIFICATION_REQUESTED)
        need.refresh_from_db()
        return need

    @cached_property
    def need_published(self) -> Need:
        """Amani's Kenyan request, published for everyone."""
        return self._need_in(Need.Status.PUBLISHED)

    @cached_property
    def need_attachment(self) -> NeedAttachment:
        return NeedAttachment.objects.create(
            need=self.need_draft,
            file=ContentFile(PDF, name="letter.pdf"),
            title="Letter of the ministry",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=self.p["naira"],
        )

    @cached_property
    def assessment(self):
        """Kenya's assessment of 2026, one target assessed."""
        assessment = need_services.assessment_start(
            country=self.p["amani"].focal_points.get().country, cycle=2026, by=self.p["amani"]
        )
        need_services.assessment_save_entry(
            assessment=assessment,
            by=self.p["amani"],
            target=GBFTarget.objects.get(code="GBF-T4"),
            capacity_individual=1,
        )
        return assessment

    @property
    def url_need_draft(self) -> dict:
        return {
            "reference": self.need_draft.reference,
            "need_pk": self.need_draft.pk,
            "step": "about",
        }

    @property
    def url_need_submitted(self) -> dict:
        return {"reference": self.need_submitted.reference}

    @property
    def url_need_clarification(self) -> dict:
        return {"reference": self.need_clarification.reference}

    @property
    def url_need_published(self) -> dict:
        return {"reference": self.need_published.reference, "need_pk": self.need_published.pk}

    @property
    def url_need_attachment(self) -> dict:
        attachment = self.need_attachment
        return {"reference": attachment.need.reference, "pk": attachment.pk}

    @property
    def url_assessment(self) -> dict:
        return {"pk": self.assessment.pk}

    # --- Partners ------------------------------------------------------------------------------
    @cached_property
    def org_x(self):
        return self.p["xavier"].organisation_memberships.get().organisation

    @property
    def url_org_x(self) -> dict:
        return {"pk": self.org_x.pk, "organisation_pk": self.org_x.pk, "kind": "offers"}

    @property
    def url_membership(self) -> dict:
        """Ximena's membership of organisation X."""
        membership = Membership.objects.get(user=self.p["ximena"])
        return {"pk": self.org_x.pk, "membership_pk": membership.pk}

    @cached_property
    def invitation(self) -> Invitation:
        """Organisation X's pending invitation to Lea."""
        return Invitation.objects.create(
            organisation=self.org_x,
            email=self.p["lea"].email,
            role=Membership.Role.EDITOR,
            token=secrets.token_urlsafe(32),
            invited_by=self.p["xavier"],
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )

    @property
    def url_invitation(self) -> dict:
        return {
            "pk": self.org_x.pk,
            "invitation_pk": self.invitation.pk,
            "token": self.invitation.token,
        }

    @cached_property
    def offer(self):
        return OfferFactory(provider=self.org_x, title="Wetland bird monitoring training")

    @cached_property
    def offer_draft(self):
        return OfferFactory(provider=self.org_x, status="draft", published_at=None)

    @cached_property
    def offer2(self):
        """Another published offer of X, not matched with anything yet."""
        return OfferFactory(provider=self.org_x, title="Seagrass mapping mentoring")

    @cached_property
    def resource_draft(self):
        return ResourceFactory(organisation=self.org_x, status="draft", published_at=None)

    @cached_property
    def initiative(self):
        return InitiativeFactory(organisation=self.org_x)

    @cached_property
    def resource(self):
        return ResourceFactory(organisation=self.org_x)

    @cached_property
    def opportunity(self):
        """Organisation X's fellowship, taking applications on the portal."""
        return OpportunityFactory(organisation=self.org_x, applications_on_portal=True)

    @cached_property
    def event(self):
        return EventFactory(organisation=self.org_x)

    @cached_property
    def agreement(self):
        return PartnershipAgreementFactory(organisation=self.org_x)

    def _record(self, record, kind: str) -> dict:
        return {"pk": record.pk, "kind": kind, "object_id": record.pk}

    @property
    def url_offer(self) -> dict:
        return self._record(self.offer, "offers")

    @property
    def url_offer_draft(self) -> dict:
        return self._record(self.offer_draft, "offers")

    @property
    def url_resource_draft(self) -> dict:
        return self._record(self.resource_draft, "resources")

    @property
    def url_initiative(self) -> dict:
        return self._record(self.initiative, "initiatives")

    @property
    def url_resource(self) -> dict:
        return self._record(self.resource, "resources")

    @property
    def url_opportunity(self) -> dict:
        return {**self._record(self.opportunity, "opportunities"), "model": "partners.opportunity"}

    @property
    def url_event(self) -> dict:
        return self._record(self.event, "events")

    @property
    def url_agreement(self) -> dict:
        return self._record(self.agreement, "agreements")

    @cached_property
    def application(self) -> OpportunityApplication:
        """Lea's application to organisation X's opportunity, with her CV."""
        return OpportunityApplication.objects.create(
            opportunity=self.opportunity,
            applicant=self.p["lea"],
            country=self.p["amani"].focal_points.get().country,
            organisation_name="University of Nairobi",
            motivation="I count waterbirds every January.",
            cv=ContentFile(PDF, name="cv.pdf"),
        )

    @property
    def url_application(self) -> dict:
        return {"pk": self.application.pk}

    # --- Matchmaking ---------------------------------------------------------------------------
    def _match(self, status: str, **fields: Any):
        """A match of Amani's published request with an offer of X of its own (one match per
        request and offer)."""
        offer = OfferFactory(provider=self.org_x)
        return MatchFactory(need=self.need_published, offer=offer, status=status, **fields)

    @cached_property
    def match_proposed(self):
        return self._match("proposed")

    @cached_property
    def match_accepted(self):
        return self._match(
            "accepted",
            provider_contact_name="Xavier Dupont",
            provider_contact_email="xavier@mangrove-alliance.example",
            responded_at=timezone.now(),
        )

    @cached_property
    def match_agreed(self):
        return self._match("agreed", agreed_at=timezone.now(), responded_at=timezone.now())

    @cached_property
    def match_interest(self):
        """Amani's interest in offer X, not yet proposed to X by the help desk."""
        return self._match(
            "interest", origin="requester", proposed_at=None, created_by=self.p["amani"]
        )

    @cached_property
    def project_done(self):
        """A completed pilot project of Amani's request and offer X (to be evaluated)."""
        return ProjectFactory(
            match__need=self._need_in(Need.Status.IN_PROGRESS),
            match__offer=self.offer,
            status="completed",
            completed_at=timezone.now(),
        )

    @cached_property
    def project(self):
        """The pilot project of another agreed match of a public Kenyan request and offer X."""
        return ProjectFactory(
            match__need=self._need_in(Need.Status.MATCHED),
            match__offer=self.offer,
            agreement_document=ContentFile(PDF, name="agreement.pdf"),
        )

    @cached_property
    def story(self):
        return SuccessStoryFactory(
            project=self.project, status="published", published_at=timezone.now()
        )

    @cached_property
    def workshop(self):
        return MatchingWorkshop.objects.create(event=self.event, summary="Roundtable of partners.")

    @property
    def url_match_proposed(self) -> dict:
        return {"pk": self.match_proposed.pk}

    @property
    def url_match_accepted(self) -> dict:
        return {"pk": self.match_accepted.pk}

    @property
    def url_match_agreed(self) -> dict:
        return {"pk": self.match_agreed.pk, "match_pk": self.match_agreed.pk}

    @property
    def url_match_interest(self) -> dict:
        return {"pk": self.match_interest.pk}

    @property
    def url_project_done(self) -> dict:
        return {"pk": self.project_done.pk}

    @property
    def url_project(self) -> dict:
        return {"pk": self.project.pk}

    @property
    def url_story(self) -> dict:
        return {"pk": self.story.pk}

    @property
    def url_workshop(self) -> dict:
        return {"pk": self.workshop.pk}

    # --- E-learning ----------------------------------------------------------------------------
    @cached_property
    def course(self):
        """Organisation X's published course, open for enrolment, with a quiz."""
        return build_course(self.org_x, title="Wetland monitoring")

    @cached_property
    def course_draft(self):
        """Organisation X's draft course (authors only), with a quiz."""
        return build_course(self.org_x, status="draft", published_at=None, title="Draft course")

    @cached_property
    def enrolment(self) -> Enrolment:
        """Lea's enrolment in the published course, in progress."""
        return Enrolment.objects.create(course=self.course, user=self.p["lea"])

    @cached_property
    def enrolment_completed(self) -> Enrolment:
        """Lea's completed enrolment in another course of X, with her certificate."""
        course = build_course(self.org_x, modules=1, lessons_per_module=1, quiz=False)
        enrolment = Enrolment.objects.create(
            course=course,
            user=self.p["lea"],
            status=EnrolmentStatus.COMPLETED,
            completed_at=timezone.now(),
        )
        return enrolment

    @cached_property
    def certificate(self) -> Certificate:
        return issue_certificate(enrolment=self.enrolment_completed)

    @cached_property
    def attempt(self) -> QuizAttempt:
        quiz = Lesson.objects.get(course=self.course, kind="quiz").quiz
        return start_attempt(enrolment=self.enrolment, quiz=quiz, user=self.p["lea"])

    @property
    def quiz(self):
        return Lesson.objects.get(course=self.course, kind="quiz").quiz

    @property
    def quiz_answers(self) -> dict[str, list[int]]:
        """The right answers to the published course's quiz, by question id."""
        return {
            str(question.pk): [choice.pk for choice in question.choices.filter(is_correct=True)]
            for question in self.quiz.questions.all()
        }

    @cached_property
    def course_invitation(self) -> CourseInvitation:
        return CourseInvitation.objects.create(
            course=self.course,
            email=self.p["lea"].email,
            token=secrets.token_urlsafe(32),
            invited_by=self.p["xavier"],
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )

    def _lesson(self, course, kind: str = "content") -> Lesson:
        lessons = Lesson.objects.filter(course=course, kind=kind)
        return lessons.order_by("module__position", "position").first()

    @property
    def url_course(self) -> dict:
        """The published course, in which Lea is enrolled."""
        self.enrolment  # noqa: B018 (built with the course)
        lesson = self._lesson(self.course)
        return {"pk": self.course.pk, "lesson_pk": lesson.pk}

    @property
    def url_course_quiz(self) -> dict:
        self.enrolment  # noqa: B018 (built with the course)
        return {"pk": self.course.pk, "lesson_pk": self._lesson(self.course, "quiz").pk}

    @property
    def url_course_draft(self) -> dict:
        return {"pk": self.course_draft.pk}

    @property
    def url_module(self) -> dict:
        return {"pk": self.course_draft.modules.order_by("position").first().pk}

    @property
    def url_lesson(self) -> dict:
        return {"pk": self._lesson(self.course_draft).pk}

    @property
    def url_quiz_lesson(self) -> dict:
        return {"pk": self._lesson(self.course_draft, "quiz").pk}

    @property
    def url_question(self) -> dict:
        lesson = self._lesson(self.course_draft, "quiz")
        return {"pk": lesson.quiz.questions.order_by("position").first().pk}

    @property
    def url_enrolment(self) -> dict:
        return {"pk": self.enrolment.pk, "lesson_id": self._lesson(self.course).pk}

    @property
    def url_enrolment_completed(self) -> dict:
        return {"pk": self.enrolment_completed.pk}

    @property
    def url_certificate(self) -> dict:
        return {"pk": self.certificate.pk, "code": self.certificate.code}

    @property
    def url_attempt(self) -> dict:
        return {"pk": self.attempt.pk}

    @property
    def url_course_invitation(self) -> dict:
        return {"token": self.course_invitation.token}

    @cached_property
    def community(self) -> Community:
        """An open community; Lea is a member, Yara its moderator."""
        community = CommunityFactory(name="Wetland practitioners", slug="wetlands")
        CommunityMembership.objects.create(community=community, user=self.p["lea"])
        CommunityMembership.objects.create(
            community=community, user=self.p["yara"], role=CommunityMembership.Role.MODERATOR
        )
        return community

    @cached_property
    def thread(self) -> Thread:
        return start_thread(
            community=self.community,
            user=self.p["lea"],
            title="Counting waders at high tide",
            body="How do you count waders when the tide is high?",
        )

    @cached_property
    def post(self) -> Post:
        """Lea's first post (the opening post of her discussion)."""
        return self.thread.posts.order_by("created_at", "pk").first()

    @property
    def url_community(self) -> dict:
        return {"slug": self.community.slug}

    @property
    def url_thread(self) -> dict:
        return {"slug": self.community.slug, "pk": self.thread.pk}

    @property
    def url_post(self) -> dict:
        return {"slug": self.community.slug, "pk": self.post.pk}

    @cached_property
    def alumnus(self) -> Alumnus:
        """Lea's alumnus record (listed in the directory)."""
        alumnus = record_course_completion(enrolment=self.enrolment_completed)
        Alumnus.objects.filter(pk=alumnus.pk).update(in_directory=True)
        return alumnus

    @property
    def url_alumnus(self) -> dict:
        return {"pk": self.alumnus.pk}

    # --- Monitoring ----------------------------------------------------------------------------
    @property
    def url_country_profile(self) -> dict:
        return {"code": self.p["amani"].focal_points.get().country.code}

    @property
    def url_indicator(self) -> dict:
        return {"code": all_indicators()[0].code, "fmt": "csv"}

    @cached_property
    def node_news(self) -> NodeNewsItem:
        """A news item of Kenya's national CHM node."""
        node, _created = NationalNode.objects.get_or_create(
            country=self.p["amani"].focal_points.get().country
        )
        return NodeNewsItem.objects.create(node=node, title="Node news", body="News of Kenya.")

    @property
    def url_node_news(self) -> dict:
        return {"code": self.node_news.node.country.code, "pk": self.node_news.pk}

    @cached_property
    def evaluation(self) -> Evaluation:
        return EvaluationFactory()

    @property
    def url_evaluation(self) -> dict:
        return {"pk": self.evaluation.pk}

    # --- Alerts, quality, accounts, reference data ---------------------------------------------
    @cached_property
    def saved_search(self) -> SavedSearch:
        return SavedSearch.objects.create(
            user=self.p["lea"], database="offers", query="q=wetland", name="Wetland offers"
        )

    @property
    def url_saved_search(self) -> dict:
        return {"pk": self.saved_search.pk}

    @cached_property
    def inbox_message(self) -> InboxMessage:
        return InboxMessage.objects.create(
            recipient=self.p["lea"], subject="Your application was received", url="/en/"
        )

    @property
    def url_inbox_message(self) -> dict:
        return {"pk": self.inbox_message.pk}

    @property
    def url_follow(self) -> dict:
        """Lea follows organisation X's opportunity."""
        Follow.objects.get_or_create(
            user=self.p["lea"],
            content_type=ContentType.objects.get_for_model(self.opportunity),
            object_id=self.opportunity.pk,
        )
        return {"model": "partners.opportunity", "object_id": self.opportunity.pk}

    @cached_property
    def review(self) -> QualityReview:
        """A pending review of organisation X's resource."""
        return QualityReview.objects.create(
            content_type=ContentType.objects.get_for_model(self.resource),
            object_id=self.resource.pk,
            item_title=self.resource.title,
            requested_by=self.p["xavier"],
        )

    @property
    def url_review(self) -> dict:
        return {"pk": self.review.pk, "kind": "resource", "object_id": self.resource.pk}

    @cached_property
    def role_request(self) -> RoleRequest:
        """Lea's pending request to be focal point of Kenya."""
        return RoleRequestFactory(
            user=self.p["lea"], country=self.p["amani"].focal_points.get().country
        )

    @property
    def url_role_request(self) -> dict:
        return {"pk": self.role_request.pk}

    @property
    def url_term(self) -> dict:
        return {"slug": "thematic-areas"}

    # --- Embeddable components: their URLs name a component, not a record ----------------------
    @property
    def url_embed_opportunities(self) -> dict:
        return {"key": "opportunities"}

    @property
    def url_embed_commitments(self) -> dict:
        return {"key": "commitments"}

    @property
    def url_embed_offers(self) -> dict:
        return {"key": "offers"}

    @property
    def url_embed_country(self) -> dict:
        return {"key": "country"}

    @property
    def url_embed_unknown(self) -> dict:
        return {"key": "unknown"}


def make_people(
    learner,
    focal_point_a,
    focal_point_b,
    member_x,
    member_y,
    reviewer_user,
    helpdesk_user,
) -> dict[str, Any]:
    """The columns of the matrix, with the three people ``conftest.py`` does not name."""
    iplc = OrganisationFactory(
        name="Il Ngwesi Community Trust",
        organisation_type=OrganisationTypeFactory(
            code="iplc", name="Indigenous peoples' or local community organization"
        ),
    )
    naira = UserFactory(email="naira@ilngwesi.example", full_name="Naira Lemaiyan")
    MembershipFactory(user=naira, organisation=iplc, role=Membership.Role.EDITOR)
    ximena = UserFactory(email="ximena@mangrove-alliance.example", full_name="Ximena Ruiz")
    MembershipFactory(
        user=ximena,
        organisation=member_x.organisation_memberships.get().organisation,
        role=Membership.Role.EDITOR,
    )
    root = UserFactory(email="root@chm-portal.example", full_name="Root Admin")
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    return {
        "anon": None,
        "lea": learner,
        "amani": focal_point_a,
        "beatriz": focal_point_b,
        "naira": naira,
        "xavier": member_x,
        "ximena": ximena,
        "yara": member_y,
        "rui": reviewer_user,
        "hana": helpdesk_user,
        "root": root,
    }
