from . import customer_quote, customer_quote_line, product_template, res_company, res_config_settings, res_partner
