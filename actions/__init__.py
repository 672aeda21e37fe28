"""DovvyBuddy's custom actions, served by the rasa-sdk action server.

One module per concern; rasa-sdk registers every Action subclass imported here.
"""

from actions.answer_question import ActionAnswerQuestion
from actions.lead_forms import (
    ActionAskLeadConfirmed,
    ActionAskLeadConsent,
    ActionCancelLead,
    ActionSubmitLead,
    ValidateTrainingForm,
    ValidateTripForm,
)
from actions.safety import ActionEmergencyGuidance, ActionSafetyReply
from actions.site_suggestions import ActionSuggestSites

__all__ = [
    "ActionAnswerQuestion",
    "ActionAskLeadConfirmed",
    "ActionAskLeadConsent",
    "ActionCancelLead",
    "ActionEmergencyGuidance",
    "ActionSafetyReply",
    "ActionSubmitLead",
    "ActionSuggestSites",
    "ValidateTrainingForm",
    "ValidateTripForm",
]
