"""Chat front ends: the channel-neutral conversation (``bot.flow``) and thin channel adapters."""
