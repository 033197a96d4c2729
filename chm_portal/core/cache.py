"""The portal's Redis cache backend: an outage means no cache, not people locked out."""

from django_redis.cache import RedisCache


class PortalRedisCache(RedisCache):
    """django-redis with ``IGNORE_EXCEPTIONS``, where ``add`` also fails open.

    With Redis unreachable, django-redis answers ``None`` to ``add`` — falsy, as when the key
    exists. allauth takes its rate-limit lock with ``cache.add`` and refuses the attempt when it
    cannot, so nobody could sign in during an outage. Here an unreachable cache answers ``True``:
    rate limits do not count while Redis is down, and pages are rendered uncached.
    """

    def add(self, *args, **kwargs):
        added = super().add(*args, **kwargs)
        return True if added is None else added
