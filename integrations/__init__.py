"""One small interface per external service kind, with vendor modules and offline defaults."""
