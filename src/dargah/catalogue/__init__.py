"""The catalogue: data sets, versioned schemas, code lists, the data dictionary."""
