FROM python:3.11-slim

WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CHATCAL_HOST=0.0.0.0 CHATCAL_PORT=8000 CHATCAL_DATA_DIR=/data

COPY pyproject.toml README.md ./
COPY engine engine
COPY booking booking
COPY api api
COPY bot bot
COPY integrations integrations
COPY notes notes
COPY worker worker
COPY chatcal chatcal
COPY migrations migrations
RUN pip install --no-cache-dir . && useradd --create-home chatcal && mkdir /data && chown chatcal /data

USER chatcal
VOLUME /data
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["chatcal", "serve"]
