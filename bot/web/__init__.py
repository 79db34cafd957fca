"""The web chat: a page served by the app where anyone books by chatting, no account needed."""
