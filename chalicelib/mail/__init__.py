"""E-mails: rendered from templates/mail/ in the recipient's language and format, sent by SES."""
