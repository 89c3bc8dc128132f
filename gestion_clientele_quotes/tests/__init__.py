from . import (
    test_partner_commercial_tab,
    test_quote_amounts,
    test_quote_dates,
    test_quote_input_errors,
    test_quote_mail,
    test_quote_numbering,
    test_quote_report,
    test_quote_security,
    test_ui,
)
