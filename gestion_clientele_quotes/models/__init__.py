from . import (
    account_move,
    customer_quote,
    customer_quote_line,
    customer_quote_template,
    customer_quote_template_line,
    customer_subscription,
    ir_actions_report,
    ir_http,
    product_template,
    res_company,
    res_config_settings,
    res_partner,
)
