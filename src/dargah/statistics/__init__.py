"""Statistics for dashboards: named national pivots answered through the query service."""
