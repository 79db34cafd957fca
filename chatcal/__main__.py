"""``python -m chatcal`` runs the same CLI as the installed ``chatcal`` command."""

from chatcal.cli import app

app(prog_name="chatcal")
