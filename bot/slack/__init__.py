"""The Slack front end: Bolt listeners that translate Slack events into the shared conversation.

``adapter`` holds the Bolt app (HTTP at ``/slack/events`` and Socket Mode), ``blocks`` renders replies
as Block Kit and reads Slack's text back, ``delivery`` posts replies and files, ``profiles`` turns a
Slack user into a ``Who`` with their profile's time zone.
"""
