from odoo import models


class AccountRelanceLitigationFile(models.TransientModel):
    _inherit = 'account.relance.litigation.file'  # pylint: disable=consider-merging-classes-inherited

    def _extra_documents(self):
        """The declarations made to the credit insurer about the client."""
        documents = super()._extra_documents()
        declarations = self.env['account.relance.credit.declaration'].search(
            [('partner_id', '=', self.partner_id.id), ('company_id', '=', self.company_id.id)]
        )
        if declarations:
            documents.append(("Declarations_assurance_credit.txt", declarations._litigation_text().encode()))
        return documents
