"""The registry of embeddable components: what a partner or national website may show of the
portal, and with which parameters.

A :class:`Component` is declared once here; from it come its frame (``/<lang>/embed/<key>/``),
its JSON for the script (``/<lang>/embed/<key>.json``) and its section of the documentation page
(``/<lang>/embed/``). Its ``form`` validates the parameters (and documents them: label, help
text, required or not); its ``read`` builds the :class:`Result` from the apps' public selectors
only (``embeds/selectors.py``), so that a component cannot show what an anonymous visitor of the
portal may not see.

A result is the same for every visitor: it is kept in the cache per language and parameters, and
renewed when a record of one of ``depends_on`` changes (``shared_public_result``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chm_portal.core.page_cache import shared_public_result

from . import forms as embed_forms
from . import selectors
from .results import Result


@dataclasses.dataclass(frozen=True)
class Component:
    """One embeddable component (see the module docstring)."""

    key: str
    title: Any  # lazy: "Latest opportunities"
    description: Any  # lazy: one or two sentences for the documentation page
    form: type[forms.Form]
    read: Callable[[Mapping[str, Any]], Result]  # cleaned parameters -> public data
    example: Callable[[], dict[str, str]]  # parameters of the documentation's live preview
    depends_on: tuple[str, ...]  # app labels whose changes renew the cached result
    template_name: str = "embeds/components/list.html"
    frame_height: int = 420  # pixels, for the iframe snippet

    def parameters(self) -> list[dict[str, Any]]:
        """The parameters for the documentation: name, label, help text, required."""
        return [
            {
                "name": name,
                "label": field.label,
                "help_text": field.help_text,
                "required": field.required,
            }
            for name, field in self.form.base_fields.items()
        ]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a component answers to its parameters: a result, or what is wrong with them
    (``(parameter, message)`` pairs, in the active language)."""

    result: Result | None
    errors: tuple[tuple[str, str], ...] = ()


def outcome(component: Component, parameters: Mapping[str, str]) -> Outcome:
    """Validate ``parameters`` and read the component's result, both kept in the cache like a
    public page (per language and parameters, renewed when a record of ``depends_on`` changes):
    a frame or JSON asked for again costs no query, wrong parameters included.

    ``parameters`` are the component's own (the view refuses others), one value each."""

    def compute() -> Outcome:
        form = component.form(parameters)
        if not form.is_valid():
            return Outcome(
                None,
                tuple(
                    (
                        name,
                        gettext("%(parameter)s: %(message)s")
                        % {
                            "parameter": getattr(form.fields.get(name), "label", name),
                            "message": message,
                        },
                    )
                    for name, messages in form.errors.items()
                    for message in messages
                ),
            )
        return Outcome(component.read(form.cleaned_data))

    return shared_public_result(
        f"embeds:{component.key}?{urlencode(sorted(parameters.items()))}",
        compute,
        depends_on=component.depends_on,
        timeout=settings.PUBLIC_PAGE_CACHE_SECONDS,
    )


_COMPONENTS: dict[str, Component] = {}


def register(component: Component) -> Component:
    if component.key in _COMPONENTS:
        raise ValueError(f"A component is already registered as {component.key!r}.")
    _COMPONENTS[component.key] = component
    return component


def get(key: str) -> Component | None:
    return _COMPONENTS.get(key)


def registered() -> list[Component]:
    """Every component, in the order they were declared (the documentation's order)."""
    return list(_COMPONENTS.values())


OPPORTUNITIES = register(
    Component(
        key="opportunities",
        title=_("Open opportunities"),
        description=_(
            "The latest training courses, fellowships, calls and other opportunities still open "
            "for applications, optionally only those open to a region or to a country (the same "
            "rule as the portal's list: open to all, or naming the country, its region or one "
            "of its groups)."
        ),
        form=embed_forms.OpportunitiesForm,
        read=selectors.open_opportunities,
        example=selectors.example_opportunities,
        depends_on=("partners", "vocabularies"),
    )
)

COUNTRY = register(
    Component(
        key="country",
        title=_("A country's requests and pilot projects"),
        description=_(
            "A country's latest public requests for assistance and the pilot projects launched "
            "from agreed matches on them. Matches still being negotiated are never shown."
        ),
        form=embed_forms.CountryForm,
        read=selectors.country_activity,
        example=selectors.example_country,
        depends_on=("needs", "matchmaking", "vocabularies"),
        frame_height=520,
    )
)

OFFERS = register(
    Component(
        key="offers",
        title=_("An organisation's offers of support"),
        description=_(
            "The public offers of support of one approved partner organisation, newest first. "
            "Its identifier is the number in the address of its page on the portal."
        ),
        form=embed_forms.OffersForm,
        read=selectors.organisation_offers,
        example=selectors.example_offers,
        depends_on=("partners", "vocabularies"),
    )
)

COMMITMENTS = register(
    Component(
        key="commitments",
        title=_("Commitments of the Action Agenda"),
        description=_(
            "Figures of the published commitments of non-state actors: by type of actor, phase, "
            "GBF target and region, optionally for one type of actor, target, region or country."
        ),
        form=embed_forms.CommitmentsForm,
        read=selectors.commitment_figures,
        example=selectors.example_commitments,
        depends_on=("commitments", "vocabularies"),
        template_name="embeds/components/statistics.html",
        frame_height=560,
    )
)
