"""What a relance claims: open installments minus the client's unreconciled credits."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    invoiced: float  # sum of the residuals listed (company currency)
    credits: float  # unreconciled credit notes and payments (positive number)

    @property
    def net(self):
        return self.invoiced - self.credits

    @property
    def worth_claiming(self):
        """A reminder for nothing, or for a negative amount, is never sent."""
        return self.net > 0


def claim(residuals, credit_residuals, digits=2):
    """Claim from signed company-currency residuals (credits are negative residuals).

    ``digits`` are the decimal places of the company currency.
    """
    invoiced = sum(r for r in residuals if r > 0)
    credits = -sum(r for r in credit_residuals if r < 0)
    return Claim(invoiced=round(invoiced, digits), credits=round(credits, digits))
