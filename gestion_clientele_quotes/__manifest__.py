{
    'name': "Customer Quotes",
    'version': '19.0.1.1.0',
    'category': 'Sales/Customer Quotes',
    'summary': "Quotes for access, articles and subscriptions, from the customer's Commercial tab",
    'author': "Gestion clientèle",
    'license': 'LGPL-3',
    'depends': ['account', 'portal'],
    'data': [
        'security/res_groups.xml',
        'security/ir.model.access.csv',
        'security/ir_rules.xml',

        'report/ir_actions_report.xml',
        'report/ir_actions_report_templates.xml',
        'report/customer_quote_followup_report_views.xml',

        'data/ir_cron.xml',
        'data/mail_activity_type_data.xml',
        'data/ir_sequence_data.xml',
        'data/mail_template_data.xml',

        'views/customer_quote_views.xml',
        'views/customer_quote_template_views.xml',
        'views/res_partner_views.xml',
        'views/account_move_views.xml',
        'views/product_template_views.xml',
        'views/res_config_settings_views.xml',
        'wizard/customer_quote_followup_views.xml',
        'wizard/customer_quote_invoice_views.xml',
        'wizard/customer_quote_transfer_views.xml',

        'views/customer_quote_menus.xml',
        'views/customer_subscription_views.xml',
        'views/customer_quote_portal_templates.xml',
    ],
    'demo': [
        'demo/customer_quote_demo.xml',
    ],
    'assets': {
        'web.assets_backend': [
            'gestion_clientele_quotes/static/src/**/*',
        ],
        'web.assets_tests': [
            'gestion_clientele_quotes/static/tests/tours/*.js',
        ],
    },
    'application': True,
}
