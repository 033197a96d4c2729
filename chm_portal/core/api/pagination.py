from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """Page-number pagination whose page size a client may choose, up to a cap."""

    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
