"""The gap analysis page: GBF targets against expressed needs and what answers them, as a
heatmap of where demand exceeds supply, for everywhere, one UN region or one country group,
with the least supported targets and a CSV download of the same table.

The page reads the cells stored by the last recompute (``selectors.gaps``): four queries whatever
the number of records (the filter's regions and groups, the cells, the targets).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from chm_portal.core.exports import stream_csv

from ..gaps import EVERYWHERE, group_scope, region_scope
from ..models import GapMeasure
from ..selectors.gaps import LEVELS, GapRow, GapTable, ScopeChoices, gap_table, scope_choices

FORMATS = ("", "html", "csv")


class GapFilterForm(forms.Form):
    """One scope at a time: the cells are stored per region and per group, not per pair."""

    region = forms.ChoiceField(
        label=_("UN region"),
        required=False,
        help_text=_("UN M49 code of a region, e.g. 002 for Africa."),
    )
    country_group = forms.ChoiceField(
        label=_("Country group"), required=False, help_text=_("LDC, SIDS, LLDC or EIT.")
    )

    def __init__(self, *args: Any, choices: ScopeChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *choices.regions]
        self.fields["country_group"].choices = [("", _("All country groups")), *choices.groups]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The download format is a parameter of the links, not a field people fill in.
        data["format"] = self.data.get("format", "")
        if data["format"] not in FORMATS:
            self.add_error(
                None,
                forms.ValidationError(
                    _("The table can be downloaded as CSV only (format=csv)."), code="format"
                ),
            )
        if data.get("region") and data.get("country_group"):
            self.add_error(
                None,
                forms.ValidationError(
                    _("Choose a region or a country group, not both."), code="two_scopes"
                ),
            )
        return data

    @property
    def scope(self) -> str:
        """The scope asked for; everywhere unless the form is valid."""
        if not self.is_bound or not self.is_valid():
            return EVERYWHERE
        if self.cleaned_data.get("region"):
            return region_scope(self.cleaned_data["region"])
        if self.cleaned_data.get("country_group"):
            return group_scope(self.cleaned_data["country_group"])
        return EVERYWHERE


def _per_need(row: GapRow) -> float | None:
    return None if row.supply_per_need is None else round(row.supply_per_need, 2)


#: The columns of the CSV download: stable English keys, as in the portal's other exports.
CSV_COLUMNS = [
    ("target", lambda row: row.code),
    ("target_title", lambda row: row.title),
    *[
        (str(measure), lambda row, measure=measure: row.counts.get(measure, 0))
        for measure in GapMeasure.values
    ],
    ("supply", lambda row: row.supply),
    ("supply_per_need", _per_need),
    ("gap_level", lambda row: row.level),
]


def _csv(table: GapTable) -> HttpResponse:
    scope = table.scope.replace(":", "-") or "everywhere"
    day = table.date.isoformat() if table.date else "none"
    columns = [
        ("date", lambda row: table.date),
        ("scope", lambda row: table.scope),
        *CSV_COLUMNS,
    ]
    return stream_csv(table.rows, columns, f"gap-analysis-{scope}-{day}.csv")


class GapAnalysisView(TemplateView):
    """``/dashboards/gaps/``: public. Invalid filters answer 400 with the error and the table for
    everywhere, so that nothing silently shows (or downloads) another scope."""

    template_name = "monitoring/gaps.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        choices = scope_choices()
        form = GapFilterForm(request.GET or None, choices=choices)
        valid = form.is_valid() if form.is_bound else True
        table = gap_table(form.scope)
        if form.is_bound and valid and form.cleaned_data.get("format") == "csv":
            return _csv(table)
        # Links keep the valid filters; after an error they start again from everywhere.
        query = request.GET.copy() if valid else QueryDict(mutable=True)
        query.pop("format", None)
        csv_query = query.copy()
        csv_query["format"] = "csv"
        context = self.get_context_data(
            form=form,
            table=table,
            scope_label=choices.label(table.scope),
            measures=GapMeasure.choices,
            levels=LEVELS,
            least_supported=table.least_supported(),
            csv_query=csv_query.urlencode(),
        )
        return self.render_to_response(context, status=200 if valid else 400)
