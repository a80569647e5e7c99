"""HTTP edge: one blueprint per resource; parsing, permission and error mapping only."""
