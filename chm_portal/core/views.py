from django.conf import settings
from django.views.generic import TemplateView
from health_check.views import HealthCheckView


class HomeView(TemplateView):
    """What the portal is, and where each kind of visitor starts."""

    template_name = "core/home.html"


def _broker_client():
    from redis.asyncio import Redis as RedisClient

    return RedisClient.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


class HealthView(HealthCheckView):
    """``/health/``: the database, the cache and (when configured) the Redis broker.

    Answers 503 when any of them fails, so that load balancers and orchestrators take the
    instance out of rotation.
    """

    @property
    def checks(self):
        checks = ["health_check.checks.Database", "health_check.checks.Cache"]
        if settings.REDIS_URL:
            checks.append(("health_check.contrib.redis.Redis", {"client_factory": _broker_client}))
        return checks

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response
