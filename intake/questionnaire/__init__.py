"""The clinical core, pure Python: no Flask, SQLAlchemy or WTForms, and nothing else of
`intake` (an import-linter contract in pyproject.toml holds it to that). Read and tested
on its own (tests/questionnaire/).

- schema.py     the questionnaire model: steps, items, enableWhen, and where a patient
                may go (page order, next and previous page)
- twitching.py  the questionnaire itself, as data (QUESTIONNAIRE)
- drafts.py     a draft's content, and the pure merge of one page into it
- safety.py     the safety tiers and the rules that reach them
- scoring.py    GAD-7, GAD-2, PHQ-2, PHQ-4 with their bands
- display.py    an answer as people read it (dates, months, choices)
- summary.py    the clinician's pre-visit summary
- fhir/         the questionnaire and its responses in FHIR R4
"""
