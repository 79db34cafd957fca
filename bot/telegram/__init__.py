"""The Telegram front end (python-telegram-bot 22): webhook in production, long polling in development.

``front.TelegramFront`` runs the shared conversation for Telegram updates; ``webhook.router`` is the
``POST /webhooks/telegram`` endpoint; ``front.telegram_running`` starts and stops the bot in the app's
lifespan. The adapter only translates (``updates``: updates → ``Incoming``; ``render``: ``Reply`` →
Bot API calls); the conversation itself is ``bot.flow``.
"""
