"""DovvyBuddy's custom actions, served by the rasa-sdk action server.

One module per concern; rasa-sdk registers every Action subclass imported here.
"""

from actions.answer_question import ActionAnswerQuestion
from actions.safety import ActionEmergencyGuidance

__all__ = ["ActionAnswerQuestion", "ActionEmergencyGuidance"]
