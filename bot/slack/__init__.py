"""The Slack surface: a bolt AsyncApp served by aiohttp (or Socket Mode)."""
