"""The terminal chat: the same conversation, typed at a prompt (``chatcal chat``)."""
