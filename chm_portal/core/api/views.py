from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class ApiRootView(APIView):
    """Entry point of the API: links to every collection, the schema and the documentation.

    ``routers`` are the apps' routers; every top-level collection they register is listed
    (nested ones, such as a request's suggestions, are reached from their parent).
    """

    permission_classes = [AllowAny]
    routers = ()

    @extend_schema(exclude=True)
    def get(self, request, format=None):
        links = {}
        for router in self.routers:
            for prefix, _viewset, basename in router.registry:
                if "(?P<" in prefix:
                    continue
                links[prefix] = reverse(f"{basename}-list", request=request, format=format)
        links["schema"] = reverse("api-schema", request=request)
        links["docs"] = reverse("api-docs", request=request)
        return Response(dict(sorted(links.items())))
