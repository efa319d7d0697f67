"""Gunicorn defaults for Tillit.

Gunicorn reads this file from the working directory (or `-c gunicorn.conf.py`); options on
the command line override it. TILLIT_* variables adjust the values without editing the file.
"""

import gc
import os

bind = os.environ.get("TILLIT_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TILLIT_WORKERS", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("TILLIT_THREADS", "1"))

# No page or API call should take long: one that hangs is killed and its worker replaced, so
# a stuck request cannot take the whole server with it.
timeout = int(os.environ.get("TILLIT_WORKER_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5

# Oversized request lines and headers are refused before Django sees them.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Recycle each worker after a number of requests so a slow memory leak cannot grow without
# bound; the jitter keeps workers from restarting all at once. 0 turns it off.
max_requests = int(os.environ.get("TILLIT_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# The workers' heartbeat files in memory: on a slow or full disk, healthy workers would
# otherwise be taken for hung and killed.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Trust X-Forwarded-* only from the reverse proxy in front (see docs/deploy.md).
forwarded_allow_ips = os.environ.get("TILLIT_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("TILLIT_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker):
    # Django and everything imported at start-up live as long as the worker. Freezing them
    # keeps the garbage collector from rescanning them: on the benchmark machine a full
    # collection otherwise took ~80 ms in the middle of a request (bench/README.md).
    gc.freeze()
