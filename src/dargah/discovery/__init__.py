"""Ask first: what the gateway holds for a question, and the caller's next step."""
