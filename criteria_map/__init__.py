"""criteria_map: ties evidence files and their findings to criteria and scores.

The criteria are the province's set (a YAML file), else the unit's self-assessment rows, else
the codes of its folders ("1.1", "TC 1.2 - …", "Tiêu chí 3.2.6", "Lĩnh vực 1/1.1. …"): a
province's criteria set is data, never code. Files are matched to criteria by folder, by
citation and by title; each criterion gets a recommended score.
"""

from kiemchung.criteria_map.assess import assess_unit
from kiemchung.criteria_map.folders import criteria_for_path, criterion_code
from kiemchung.criteria_map.models import CriterionAssessment, EvidenceItem, UnitAssessment

__all__ = [
    "CriterionAssessment",
    "EvidenceItem",
    "UnitAssessment",
    "assess_unit",
    "criteria_for_path",
    "criterion_code",
]
