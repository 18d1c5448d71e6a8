"""Production gunicorn settings. Every value can be overridden from the environment.

    gunicorn -c gunicorn.conf.py

The app keeps no state in memory between requests (data in PostgreSQL, rate limits in
Redis), so more capacity is more workers here or more hosts behind the load balancer.
"""

import multiprocessing
import os

wsgi_app = "intake:create_app()"
bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# Import the app once in the master and fork: workers share its memory copy-on-write.
preload_app = True
# Recycle workers now and then so that a slow leak can never take a host down (a safety
# net: a worker's memory stayed flat over 60,000 requests). Workers share the load evenly,
# so with a small jitter they reach the limit together: at 5,000 + up to 500, both
# workers of the benchmark restarted in the same second, nobody answered for up to a
# second, and that set the p99. A jitter of half the limit spreads the restarts out.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 2
# A sync worker is killed if one request runs longer than this, and the clinicians' CSV
# and FHIR exports stream for as long as the list is long (100,000 rows of CSV took 23 s
# in-process, the FHIR Bundle 40 s): 120 s leaves the CSV room. Longer exports need
# GUNICORN_THREADS > 1 (gthread workers are not killed for a long request) or a filter.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

# Gunicorn's access log would write resume-link tokens (they are in the path) to disk;
# the app logs requests itself without them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the load balancer's addresses. gunicorn takes only the
# scheme from them and leaves REMOTE_ADDR the balancer's: the app reads the client's
# address from X-Forwarded-For itself when TRUSTED_PROXIES is set (config.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Before the master loads the app (preload_app) and forks: fix glibc's mmap threshold
    for the master and every worker it forks (intake/serve.py says why). Only for this
    app: importing it into another app served with this file (the benchmark's baseline)
    would load the whole of it there."""
    if str(getattr(server.app, "app_uri", "") or "").startswith("intake"):
        from intake.serve import return_large_blocks_to_the_system

        return_large_blocks_to_the_system()


def when_ready(server):
    """The app is loaded in this master process (preload_app): compile here what each
    worker would otherwise compile in its first requests, so a fresh or recycled worker
    starts warm and shares the pages copy-on-write. Then freeze what the master holds."""
    if not server.cfg.preload_app:
        return
    app = server.app.wsgi()
    if getattr(app, "import_name", None) == "intake":  # not another app served with this file
        from intake.patient.step_page import compile_step_pages

        server.log.info("compiled %d step pages before forking", compile_step_pages(app))
    freeze_what_workers_inherit()


def freeze_what_workers_inherit():
    """Move every object the master holds (the app, its libraries, the compiled pages)
    out of the garbage collector's reach, as the gc module's documentation advises before
    a fork: a worker's full collection then walks only what it made itself. Without it,
    each full collection in a worker walked the whole app and stopped it for 130 to 150 ms
    (gc callbacks, under bench/run.py's dashboard load); with it, 6 to 7 ms. It also
    keeps collections from writing to the inherited pages, which stay shared."""
    import gc

    gc.collect()
    gc.freeze()
