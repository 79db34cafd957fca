"""The server's secret key: from ``CHATCAL_SECRET_KEY``, or generated once and kept in the data dir.

A key that changed on every start would break every manage link already sent, so the embedded
default persists it (readable by the owner only) rather than inventing one per process.
"""

import logging
import os
import secrets
from pathlib import Path

from chatcal.settings import Settings

log = logging.getLogger("chatcal")
KEY_FILE = "secret.key"


def secret_key(settings: Settings) -> bytes:
    """The key bytes; creates ``<data dir>/secret.key`` on first use when none is configured."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.data_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip().encode()
    key = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    log.info("generated a secret key in %s; set CHATCAL_SECRET_KEY to manage it yourself", path)
    return key.encode()
