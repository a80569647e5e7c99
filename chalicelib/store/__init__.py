"""DynamoDB persistence: one module per table, with the queries the services need."""
