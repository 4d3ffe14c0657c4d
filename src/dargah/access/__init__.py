"""Who may do what: roles, permissions, principals (grants and masking join later)."""
