"""Who may do what: roles and permissions (policy), and grants to read data sets with
the protections that go with them: field and row scope, masking, small-cell suppression."""
