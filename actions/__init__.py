"""DovvyBuddy's custom actions, served by the rasa-sdk action server.

One module per concern; rasa-sdk registers every Action subclass imported here.

rasa-sdk runs the actions in a Sanic worker process that does not inherit the
logging set up from `logging.yml` in its main process, so the worker sets up
the same JSON logs when it imports this package (the stack sets DOVVY_SERVICE).
"""

import os

from dovvybuddy.common.json_logging import configure_json_logging
from dovvybuddy.common.settings import load_settings

if os.environ.get("DOVVY_SERVICE"):
    configure_json_logging(os.environ["DOVVY_SERVICE"], load_settings().log_level)

# Imported after logging is set up, so their loggers start with it.
from actions.answer_question import ActionAnswerQuestion
from actions.centre_choice import ActionAskDiveCentre
from actions.conversation_repair import ASK_ACTIONS, ActionNothingToCorrect
from actions.handoff import ActionStartHandoff, ValidateHandoffForm
from actions.lead_forms import (
    ActionAskLeadConfirmed,
    ActionAskLeadConsent,
    ActionCancelLead,
    ActionSubmitLead,
    ValidateTrainingForm,
    ValidateTripForm,
)
from actions.profile import ActionNoteProfile
from actions.safety import ActionEmergencyGuidance, ActionSafetyReply
from actions.safety_questions import ActionAnswerSafetyQuestion
from actions.site_suggestions import ActionSuggestSites
from actions.slot_validation import ValidateProfileSlots
from actions.trip_details_form import ActionAskBudget
from actions.trip_matching import ActionMatchTrip

__all__ = [
    "ASK_ACTIONS",
    "ActionAnswerQuestion",
    "ActionAnswerSafetyQuestion",
    "ActionAskBudget",
    "ActionAskDiveCentre",
    "ActionAskLeadConfirmed",
    "ActionAskLeadConsent",
    "ActionCancelLead",
    "ActionEmergencyGuidance",
    "ActionMatchTrip",
    "ActionNoteProfile",
    "ActionNothingToCorrect",
    "ActionSafetyReply",
    "ActionStartHandoff",
    "ActionSubmitLead",
    "ActionSuggestSites",
    "ValidateHandoffForm",
    "ValidateProfileSlots",
    "ValidateTrainingForm",
    "ValidateTripForm",
]
