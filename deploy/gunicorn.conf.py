"""gunicorn settings for deploy/systemd/giaingan-web.service and deploy/local_topology.py.

Each can be changed from the environment file (GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core with a few threads gave the best throughput and the shortest tail (bench/bench_api.py).
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 2)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A small workbook is parsed inside the request; nginx waits 125 s (deploy/nginx/giaingan.conf).
timeout = 120
graceful_timeout = 30
# nginx keeps connections to the upstream open.
keepalive = 75
# A worker is replaced after this many requests, so slow growth of memory never adds up.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine is the only peer whose X-Forwarded-* headers count.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = "-"
errorlog = "-"
