"""DovvyBuddy's custom actions, served by the rasa-sdk action server.

One module per concern; rasa-sdk registers every Action subclass imported here.
"""

from actions.answer_question import ActionAnswerQuestion

__all__ = ["ActionAnswerQuestion"]
