"""The conversation, written once against channel-neutral types."""
