"""The Telegram front end against a local stand-in of the Bot API, through the real python-telegram-bot."""
