"""What a relance claims once credits are deducted."""

from core.claims import claim


def test_credits_reduce_the_claim():
    c = claim([1200.00, 300.50], [-250.25])
    assert (c.invoiced, c.credits, c.net) == (1500.50, 250.25, 1250.25)
    assert c.worth_claiming


def test_credits_covering_everything_mean_nothing_to_claim():
    c = claim([100.00], [-60.00, -40.00])
    assert c.net == 0 and not c.worth_claiming


def test_rounding_follows_the_currency():
    c = claim([0.1, 0.2], [], digits=2)
    assert c.invoiced == 0.3
