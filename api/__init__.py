"""The REST API: routes, schemas, auth and webhook endpoints on FastAPI."""
