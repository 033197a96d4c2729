"""Factories of monitoring records, shared by the app's tests."""

import datetime

import factory

from monitoring.models import CountryProfile, Evaluation, IndicatorValue


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = "1.3"
    date = factory.LazyFunction(datetime.date.today)
    dimension = ""
    key = ""
    value = 10.0


class CountryProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountryProfile
        django_get_or_create = ("country",)

    maturity_level = 2


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    title = factory.Sequence(lambda n: f"Evaluation of the help desk {n}")
    subject = Evaluation.Subject.ACTIVITY
    activity = 4
    evaluated_on = datetime.date(2026, 6, 30)
    evaluators = "Independent evaluation team"
    findings = "The help desk answered most requests within a week."
    recommendations = "Publish answers to frequent questions."
    status = Evaluation.Status.PUBLISHED
