"""
gunicorn settings for production (`make serve`, `bench/run.sh`, the README's deployment).

gunicorn reads this file from the working directory by itself. Every value can be changed with an
environment variable, so that two instances on one host (behind deploy/nginx.conf) differ only in PORT.
"""

import multiprocessing
import os

wsgi_app = "magazine.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

# Django's work is mostly CPU: about two processes per core, so that one waiting on PostgreSQL or Redis leaves
# the core to another. One thread each: two threads of one process take turns holding Python's GIL, which cost
# a tenth of the uncached article pages per second in the benchmark (bench/run.sh). The gthread worker keeps
# connections from the proxy alive all the same. More threads help when requests wait long on other services
# (a slow mail server, say): set GUNICORN_THREADS.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Seconds an idle connection is kept open for its next request. Behind nginx it must stay open longer than nginx
# keeps it in its pool (`keepalive_timeout` of the upstream block in deploy/nginx.conf, 1 s), so that nginx is
# always the one to close it: a request nginx sends on a connection gunicorn is closing at that moment is lost,
# and a POST to /quote/ is never sent again (proxy_next_upstream off), so the patient would get a 502. A worker
# that stops (GUNICORN_MAX_REQUESTS reached, a restart) keeps its idle connections 2 s more (gthread's
# STOP_KEEPALIVE_LINGER), longer than nginx's 1 s as well, and answers what arrives meanwhile with
# "Connection: close", as it answers its last request; tests/test_keepalive.py checks all three.
keepalive = 5

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker is killed and replaced
graceful_timeout = 30
# Recycle processes now and then, so that a slow leak never grows into an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# Load Django once in the master: workers start fast and share the loaded code's memory.
preload_app = True

# Access log and errors on standard output/error, for the service manager or container to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# X-Forwarded-* headers are trusted only from the proxy in front (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's control socket has one default path per user: several instances on one host would share it.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
proc_name = f"magazine-{os.environ.get('PORT', '8000')}"
