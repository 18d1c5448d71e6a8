"""The FHIR R4 API for other systems (blueprint "fhir_api", bearer tokens) and the public
Questionnaire document (blueprint "fhir_public").

- api.py     the routes, the token check, OperationOutcome errors
- search.py  the QuestionnaireResponse search parameters, on intake.listing
- tokens.py  API tokens: issue, check, revoke (only their hash is stored)

The documents themselves (QuestionnaireResponse, Bundle, CapabilityStatement) are built by
intake.documents, which the clinicians' downloads share; the mapping is the pure
intake.questionnaire.fhir.

May import: intake.questionnaire, intake.storage, intake.security and the shared
top-level modules; never intake.patient or intake.clinic.
"""

from intake.errors import ApiErrors
from intake.fhir.api import error_outcome, is_api_request, register

ERRORS = ApiErrors(applies=is_api_request, render=error_outcome)

__all__ = ["ERRORS", "register"]
