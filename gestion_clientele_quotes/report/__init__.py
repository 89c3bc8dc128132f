from . import customer_quote_followup_report
