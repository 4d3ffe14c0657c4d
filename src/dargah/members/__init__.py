"""The members registry: institutions, agencies, HQ units and their systems."""
