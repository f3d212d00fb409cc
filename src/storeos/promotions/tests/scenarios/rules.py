"""Rules several scenario rows share."""

TIERS_200_500_1000 = {"tiers": [["200", "20"], ["500", "60"], ["1000", "150"]]}
