"""What a channel says when the turn itself could not answer.

Standard library only, so the tests (in the action-server environment) can
refuse these as answers: a reply made of them means the stack failed.
"""

NO_REPLY_TEXT = "Sorry, I'm having trouble answering right now. Please try again in a moment."
SLOW_TURN_TEXT = (
    "Sorry, that is taking me longer than usual. Please try again in a moment; "
    "I'll pick up where we left off."
)
