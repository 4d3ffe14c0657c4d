"""Identity: people's accounts and portal sessions, systems' API keys, authentication."""
