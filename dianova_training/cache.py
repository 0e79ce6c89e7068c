"""Django's Redis cache backend, with one client object per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` client around its connection pool
for every operation; building it costs more than a round trip to a local server (about
0.1 ms, measured on the session read of every signed-in request). A client is only a handle on
its pool, which redis-py makes safe across threads and forked workers, so one is kept per pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    """``CACHE_URL``'s backend: Django's own, with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
