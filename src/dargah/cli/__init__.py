"""The `dargah` command line, one module per command group."""
