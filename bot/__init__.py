"""confbot: a Slack concierge for people at a big conference."""

__version__ = "0.1.0"
