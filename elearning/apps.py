from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElearningConfig(AppConfig):
    """Course catalogue and learning management: enrolment, lessons, quizzes, certificates,
    feedback, alumni and communities of practice.
    """

    name = "elearning"
    verbose_name = _("E-learning")

    def ready(self) -> None:
        # The catalogue is a registered database (search, facets, exports, feed, saved searches);
        # courses are reviewed against the quality standards before publication; signals keep
        # alumni activity current.
        from chm_portal.core.page_cache import register_public_pages

        from . import databases, quality, signals  # noqa: F401

        register_public_pages(
            ["elearning:index", "elearning:courses_list", "elearning:course_detail"],
            depends_on=["elearning", "partners", "vocabularies"],
        )
