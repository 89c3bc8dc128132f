import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { Many2XAutocomplete } from "@web/views/fields/relational_utils";
import { Many2One } from "@web/views/fields/many2one/many2one";
import { buildM2OFieldDescription, Many2OneField } from "@web/views/fields/many2one/many2one_field";
import { SelectCreateDialog } from "@web/views/view_dialogs/select_create_dialog";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";

/**
 * The customer's quotes on the Commercial tab: a row (or, on a phone, a card)
 * opens the quote's own form, with its buttons and chatter, instead of a
 * read-only dialog. The customer is saved first, as when leaving the form.
 */
export class CustomerQuoteX2ManyField extends X2ManyField {
    setup() {
        super.setup();
        this.actionService = useService("action");
    }

    async openRecord(record) {
        if (!record.resId) {
            return super.openRecord(record);
        }
        await this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: record.resModel,
            res_id: record.resId,
            views: [[false, "form"]],
            target: "current",
        });
    }
}

registry.category("fields").add("customer_quote_one2many", {
    ...x2ManyField,
    component: CustomerQuoteX2ManyField,
});

/**
 * The item of a quote line: "Search More..." stays in the dropdown when
 * nothing matches what was typed, and then opens the whole item list instead
 * of an empty one.
 */
class QuoteItemAutocomplete extends Many2XAutocomplete {
    async search(name) {
        const records = await super.search(name);
        this.lastMatchCount = records.length;
        return records;
    }

    addSearchMoreSuggestion() {
        return true;
    }

    async onSearchMore(request) {
        return super.onSearchMore(this.lastMatchCount === 0 ? "" : request);
    }
}

class QuoteItemMany2One extends Many2One {
    static components = { ...Many2One.components, Many2XAutocomplete: QuoteItemAutocomplete };
}

export class QuoteItemMany2OneField extends Many2OneField {
    static components = { ...Many2OneField.components, Many2One: QuoteItemMany2One };
}

registry.category("fields").add("quote_item_many2one", {
    ...buildM2OFieldDescription(QuoteItemMany2OneField),
});

/**
 * The item dialog opened from a quote line shows the item kinds (Articles,
 * Access, Subscriptions) in a side panel: one click narrows the list. Odoo's
 * selection dialogs hide the search panel; the line's context asks for it.
 */
patch(SelectCreateDialog.prototype, {
    setup() {
        super.setup(...arguments);
        if (this.props.context?.quote_item_search_panel) {
            this.baseViewProps.display = { ...this.baseViewProps.display, searchPanel: true };
        }
    },
});
