"""The server-rendered portal."""
