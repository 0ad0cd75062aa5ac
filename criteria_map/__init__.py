"""criteria_map: ties evidence files and their findings to criteria and scores.

Criterion codes come from the unit's folders for now ("1.1", "TC 1.2 - …",
"Tiêu chí 3.2.6", "Lĩnh vực 1/1.1. …"); a province's criteria set is data, never code.
"""

from criteria_map.assess import assess_unit
from criteria_map.folders import criteria_for_path, criterion_code
from criteria_map.models import CriterionAssessment, EvidenceItem, UnitAssessment

__all__ = [
    "CriterionAssessment",
    "EvidenceItem",
    "UnitAssessment",
    "assess_unit",
    "criteria_for_path",
    "criterion_code",
]
