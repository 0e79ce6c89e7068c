"""gunicorn settings for production (and the benchmark): `gunicorn dianova_training.wsgi`.

Everything can be overridden by environment variables or the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: the app is database-bound; 2 × cores + 1 keeps the CPUs busy.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
backlog = 2048
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The app writes one JSON line per request (RequestLogMiddleware): that is the access log.
# gunicorn's own is off unless GUNICORN_ACCESSLOG names a file ("-": stdout), and even then
# password-reset links are written without their token.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
logger_class = "dianova_training.redaction.RedactingLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
