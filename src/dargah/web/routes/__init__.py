"""The portal's routes, one module per page group."""
