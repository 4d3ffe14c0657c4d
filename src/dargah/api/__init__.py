"""Cross-cutting HTTP pieces: dependencies, problem+json errors, middleware, health."""
