"""Conversations: follow-ups read against the turns before them, stored conversations, export."""
