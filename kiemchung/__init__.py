"""kiemchung: pre-screens the evidence documents of the Administrative Reform Index (Chỉ số CCHC).

The code lives in five packages at the top of the repository, installed under this one
(`pyproject.toml` maps them) so that kiemchung installs beside any other package, PyPI's
`validators` among them:

- `kiemchung.extractors`: one evidence file in, its facts out (number, date, signer, signatures);
- `kiemchung.validators`: the rules that judge those facts, each a finding with its proof;
- `kiemchung.criteria_map`: the criteria, the self-assessment and the score each criterion keeps;
- `kiemchung.pipeline`: the run (discovery, workers, cache), the command line and the reports;
- `kiemchung.web`: the web service (`kiemchung serve`), where units upload and the council reviews.
"""

from pathlib import Path

__version__ = "0.1.0"

# Installed, the five packages are inside this folder. In a source checkout they are its siblings:
# found there, as a namespace package's portions are, a checkout runs with PYTHONPATH pointing at it
# (a benchmark of a worktree, a test's subprocess) whatever else is installed.
_here = Path(__file__).resolve().parent
if not (_here / "pipeline").is_dir():
    __path__.append(str(_here.parent))
