from . import customer_quote_followup, customer_quote_invoice, customer_quote_transfer
