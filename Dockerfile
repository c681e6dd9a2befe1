# media-catalogue: slim image, non-root, data directory as a volume.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MEDIA_CATALOGUE_DATA_DIR=/data

RUN useradd --create-home --uid 10001 catalogue
WORKDIR /app
COPY pyproject.toml README.md ./
COPY media_catalogue ./media_catalogue
COPY templates ./templates
COPY episodes ./episodes
RUN pip install --no-cache-dir -e . \
    && mkdir -p /data && chown catalogue:catalogue /data

USER catalogue
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["media-catalogue", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
