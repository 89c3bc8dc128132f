from . import customer_quote_transfer
