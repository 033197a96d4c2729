from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    """Course catalogue and learning management: enrolment, lessons, quizzes, certificates,
    feedback and alumni.
    """

    name = "elearning"
    verbose_name = _("E-learning")
