"""Data: for the rounds selected before selection modes existed (all ``max_total_score``, see 0002),
record which applications the other mode, rank order, funds — so their analysis view can compare.

Rank order, as ``selection.select(mode=rank_order)`` does it: the verified applications by their
stored rank, those under the round's minimum score left out, each funded when its request fits the
budget still left. The figures are the stored ones (scores to four decimals, amounts to the fen),
so the walk gives what the selection would have. Rounds not yet selected have nothing to fill.
Reversing clears what this filled in.
"""

from decimal import Decimal

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    FundingRound = apps.get_model("funding", "FundingRound")
    FundingApplication = apps.get_model("funding", "FundingApplication")
    for funding_round in FundingRound.objects.exclude(status="open").filter(mode="max_total_score"):
        left = funding_round.budget
        funded = Decimal(0)
        applications = FundingApplication.objects.filter(round=funding_round).order_by("rank", "id")
        for application in applications:
            eligible = (
                application.verified
                and application.rank is not None
                and application.score is not None
                and (funding_round.min_score is None or application.score >= funding_round.min_score)
            )
            take = eligible and application.requested <= left
            if take:
                left -= application.requested
                funded += application.requested
            application.other_selected = take if application.rank is not None else None
            application.save(update_fields=["other_selected"])
        funding_round.other_total_requested = funded
        funding_round.save(update_fields=["other_total_requested"])


def clear(apps, schema_editor):  # type: ignore[no-untyped-def]
    FundingRound = apps.get_model("funding", "FundingRound")
    FundingApplication = apps.get_model("funding", "FundingApplication")
    FundingApplication.objects.update(other_selected=None)
    FundingRound.objects.update(other_total_requested=None)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0002_round_selection_mode"),
    ]

    operations = [migrations.RunPython(fill, clear)]
