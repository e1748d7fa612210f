"""gunicorn settings for production and `make run` (gunicorn reads ./gunicorn.conf.py by itself; flags on the
command line win). Every value can be set from the environment; docs/deployment.md explains them."""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")  # behind the reverse proxy: loopback or a private address
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # about 2 × cores; each worker holds its own pool
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # a hung worker is killed (and frees SQLite's lock)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# X-Forwarded-Proto/For are trusted from the proxy only (HTTPS detection for secure cookies and HSTS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No personal data in the access log: the path without its query string (searches carry names: ?q=…), no
# referrer (it carries queries too), no user agent, no user name; method, status, size and time in ms.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
