"""The records store: typed tables per data-set version, with history."""
