"""Printable documents made from the records (the certificate of inspection as a PDF)."""
