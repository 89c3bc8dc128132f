from . import (
    customer_quote,
    customer_quote_line,
    ir_actions_report,
    product_template,
    res_company,
    res_config_settings,
    res_partner,
)
