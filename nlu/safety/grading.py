"""Graded safety: a question about a danger is not the danger happening.

A dive professional answers "what are the signs of DCS?" and acts on "my
buddy surfaced and is confused". These detectors find the messages that only
sound alarming: a question about a condition, symptom or hazard; a "what if
..." worry; an age or swimming question about a course; a request to plan a
dive trip. `nlu.safety.rules` asks them before it calls anything an
emergency, and an incident marker (someone reporting a symptom, "right now",
"is this DCS?") keeps a message out of them: in doubt, the emergency wins.

All functions take text already normalised by `nlu.safety.normalisation.normalise`.
Standard library only: imported inside the Rasa server.
"""

from __future__ import annotations

from nlu.safety.phrases import words

# A question about something, general or hypothetical.
_QUESTION_FORMS = [
    "what (?:is|are) (?:the )?(?:\\w+ )?"
    "(?:signs?|symptoms?|causes?|treatments?|first aid|difference|differences|risks?|dangers?"
    "|chances?|protocol|procedure|right thing|best thing|best way|correct way|effects?|odds)",
    "(?<!showing )(?<!having )(?<!has )(?<!with )(?<!got )(?:signs?|symptoms?) (?:of|for)",
    "symptoms? (?:list|checklist)",
    "what (?:should|do|would|can|must|shall|does) (?:i|we|you|one|a diver|divers|a buddy|someone"
    "|people|the buddy|the boat|a dive boat|the crew|their buddy)"
    " do (?:if|when|in case|about|after)",
    "what (?:to|should) do (?:if|when|in case|about|after)|what (?:is|are) (?:\\w+ )?do if",
    "what (?:actually |really )?happens (?:if|when|to)|what causes|what makes",
    "(?:just |only )?(?:asking|curious|wondering)(?: before| for| because| out of)?",
    # Not "what do we do": that is a call for help.
    "what (?:does|do) (?!(?:i|we) do)(?:\\w+ ){1,4}(?:do|mean|feel|look|cause|recommend|say)",
    "how (?:do|can|should|would|could|does) (?:i|we|you|one|a diver|divers|people|a buddy|someone)"
    "|how to",
    "how (?:do|can|should|would|could|does) (?:\\w+ ){1,3}(?:handle|treat|help|recogni[sz]e|deal"
    "|manage|rescue|know|tell|spot|avoid|prevent)",
    "how \\w+ (?:does|do|is|are|can|should|would|must)",
    "how (?:is|are) (?:\\w+ ){1,4}(?:treated|diagnosed|prevented|caused|recogni[sz]ed|handled)",
    "how (?:\\w+ ){1,4}(?:is|are) (?:treated|diagnosed|prevented|caused|recogni[sz]ed|handled)",
    "how (?:does|do) (?:\\w+ ){1,4}(?:work|help|happen|treat|feel|occur|develop|start)",
    "how (?:long|soon|quickly|fast) (?:after|does|do|until|before|can|should)",
    "how (?:common|likely|dangerous|serious|bad|risky|rare|deadly) (?:is|are)",
    "(?:is|are) (?:\\w+ ){0,6}(?:dangerous|serious|deadly|fatal|common|normal|harmful|risky|rare)",
    "is it (?:possible|common|likely|normal|true) (?:to|that)",
    "(?:can|could|do|does|will) (?:\\w+ ){1,2}(?:still )?(?:get|have|die|drown|catch|develop"
    "|suffer)",
    "(?:can|could|does|do|will) (?:\\w+ ){1,3}(?:kill|happen|occur|cause|show up|appear)",
    "why (?:do|does|is|are|should|must|would|cannot|can)",
    "(?:does|do|can|could|will) (?:\\w+ ){1,3}(?:increase|raise|reduce|lower|affect|make)",
    "what (?:is|are)|what does .* mean|meaning of|define|explain|definition",
    "(?:tell me|learn|read|know more|info|information) about|any (?:tips|tricks|advice)",
    "when (?:should|do|does|to) (?:you|i|we|one)? ?(?:call|worry|go|see|use|get|give)",
    "difference between|(?:vs|versus)",
    "at what depth",
]

# Conditions, symptoms and hazards the safety and comfort guides explain.
_TOPICS = [
    "bends|bent|dcs|dci|decompression|embolism|lung (?:over ?expansion|injury|injuries)",
    "over ?expansion|pneumothorax|collapsed lung|barotrauma|squeeze|reverse block|ear ?drums?",
    "ears?|equali[sz]\\w*|sinus\\w*|narcosis|narked|oxygen toxicity|co2",
    "carbon (?:monoxide|dioxide)",
    "(?:give|giving|use|administer\\w*) oxygen|oxygen (?:help|helps|first aid|kit)",
    "hypotherm\\w*|hyperthermia|arterial gas|(?:signs?|symptoms?) of (?:an )?age",
    "drown\\w*|out of (?:air|gas)|air runs out|free ?flow\\w*",
    "regulator (?:fail\\w*|stops?|broke\\w*|breaks|problems?)",
    # Gear failing mid-dive: "what if my computer dies at 20 m?".
    "(?:computer|regulator|reg|octo|bcd|bc|inflator|gauge|spg|torch|light|fins?|strap|hose"
    "|o ?ring|tank|cylinder|valve) (?:\\w+ )?(?:dies|died|dying|fails?|failed|failing|breaks?|broke"
    "|stops? working|stopped working|runs? out of battery|leaks?|leaking|bursts?|burst|snaps?)",
    "mask (?:flood\\w*|fill\\w*|squeeze|comes off|falls off|off)|flooded mask",
    "water in (?:my|the) mask",
    "(?:rapid|emergency|uncontrolled|fast) (?:swimming )?ascent",
    "ascend\\w* (?:too )?(?:fast|quickly)|(?:go|going|come|coming|came|went) up (?:too |so |very )?"
    "(?:fast|quickly|quick)",
    "swallow\\w* (?:sea |salt )?water|inhal\\w* water|cough\\w*",
    "bleed\\w*|blood|cutis marmorata|marmorata|hypercapnia|co2 retention",
    "(?:cannot|can not|could not) find (?:my|your|the|a|our) (?:buddy|group|boat)|get\\w* lost",
    "cesa|hold\\w* (?:your|my|their|the)? ?breath|breath ?hold\\w*|black ?out|pass\\w* out",
    "unconscious|unresponsive|not breathing|choking",
    "panick\\w* (?:diver|buddy)",
    "(?:diver|buddy|someone|partner) (?:is |starts |starting )?(?:to )?panic\\w*",
    "stings?|stung|jellyfish|lionfish|stonefish|sea urchins?|urchins?|sea snakes?|box jelly",
    "fire coral|cone (?:snail|shell)|blue ringed octopus",
    "caught in (?:a )?(?:\\w+ )?current|down ?currents?|rip currents?|swept away",
    "current (?:pulls|takes|carries|sweeps)",
    "separated|lose (?:my|your|a|the) buddy|lost buddy|lose (?:my|your|the) (?:group|buddy)",
    "(?:skip\\w*|miss\\w*|omit\\w*|without) (?:a |my |the |your )?(?:safety|deco) stops?",
    "chamber|recompression|hyperbaric|first aid|cpr|call dan|dan (?:hotline|recommend\\w*)",
    "tingl\\w*|numb|numbness|joint pain|skin (?:bends?|rash|itch\\w*)|itch\\w*|marbl\\w*|rash",
    "headaches?|dizz\\w*|vertigo|nausea|fatigue|nose ?bleeds?|vomit\\w*",
    "pulmonary (?:o)?edema",
    "fly\\w* (?:right |straight |soon |directly )?after (?:diving|a dive|dives)",
    "dangerous|danger|dangers|deadly|injur\\w*|accident|in trouble|diving emergency",
]

# The message reports something real: a symptom someone has, a present state,
# or asks whether "this" is DCS. Not after "if" or "when": that is hypothetical.
_HYPOTHETICAL_LEAD = "(?<!if )(?<!in case )(?<!whether )"
_PEOPLE = (
    "(?:dive )?(?:buddy|friend|husband|wife|partner|boyfriend|girlfriend|son|daughter|brother"
    "|sister|dad|father|mum|mom|mother|kid|child|student|instructor|guide|diver|divemaster)"
)
_REPORT_MARKERS = [
    f"{_HYPOTHETICAL_LEAD}(?:i|we|he|she|they) (?:has|had|got|are|is|was|were|feel"
    "|feels|felt|keep(?! (?:overthinking|thinking|worrying|imagining|picturing|wondering))"
    "|keeps|started|start|cannot(?! stop (?:thinking|worrying))|just|still|now|came|went|did"
    "|dived|dove"
    "|surfaced|noticed|think|thinks|woke|ascended|shot|bolted)",
    # Not "I have a question" or "I am learning to dive".
    f"{_HYPOTHETICAL_LEAD}i have(?! (?:a |one |another |some |two |few |a few )?(?:quick )?"
    "(?:question|q|doubt|query))",
    f"{_HYPOTHETICAL_LEAD}i am(?! (?:a|an|the|just|curious|learning|doing|taking|new|planning"
    "|studying|wondering|interested|going|asking|reading|trying|about|not|still learning"
    "|currently|preparing|training|worried|scared|afraid|nervous|anxious|terrified|frightened"
    "|paranoid|petrified|phobic|stressed|stressing|freaking|losing sleep"
    "|concerned|thinking|considering)(?!\\w))",
    # "Why do my ears hurt when ...?" asks about a pattern.
    f"{_HYPOTHETICAL_LEAD}(?<!why do )(?<!why does )(?<!how come )"
    "(?:my|his|her|our) \\w+ (?:is|are|feels?|hurts?|keeps|started|went"
    "|has|have|was|were|seems?)",
    f"{_HYPOTHETICAL_LEAD}(?:my|his|her|our) \\w+ (?:tingl\\w*|ache|ached|aches|itch\\w*|throb\\w*"
    "|burn\\w*|swell\\w*|swollen|numb|went numb)",
    f"{_HYPOTHETICAL_LEAD}(?:my|our) {_PEOPLE} (?:\\w+ed|is|was|has|had|came|went|got|keeps"
    "|seems|looks|feels|cannot|just|still|shot)",
    # "Do I have the bends?" asks about now.
    "(?:do|did|could|might|may) (?:i|we|he|she|they) (?:have|has|got)(?! to)",
    "(?:is|could|might|would|can) (?:this|that|it) be|(?:is|are) (?:this|that|these) (?:a |the )?"
    "(?:sign|symptom|dcs|bends|bent|normal|serious|dangerous)",
]

# "What if ..." and "scared I'll ..." worries.
_FEAR_FORMS = [
    "what(?: is)? if|what happens if i|(?:what|how) about if",
    # "Worried about running out of air"; "worried about the tingling in my arm" is a report.
    "(?:afraid|scared|worried|terrified|nervous|anxious|fear|fears|frightened|panic) (?:about|of)"
    " (?:\\w+ )?(?:running|getting|losing|drowning|being|having|not|panicking|choking)",
    # Rumination: "I keep overthinking running out of air".
    "(?:overthink\\w*|keep (?:thinking|worrying) about"
    "|(?:cant|cannot|can not) stop (?:thinking|worrying) about"
    "|obsess\\w* (?:about|over)|paranoid (?:about|of)|dread\\w*|phobia of|anxiety (?:about|over)"
    "|stress\\w* (?:about|over)|freak\\w* out (?:about|over)|lose sleep over|losing sleep over)"
    " (?:\\w+ ){0,3}(?:running|getting|losing|drowning|being|having|not|panicking|choking|my|the)",
    "(?:afraid|scared|worried|terrified|nervous|anxious|fear|fears|frightened) (?:that )?"
    "(?:(?:i|we) (?:will|might|may|could|would|ll|ill|am going to|gonna)|ill)",
]
# What divers worry about in a "what if": with none of these, "what if we
# come in July?" is an ordinary question.
_FEAR_EVENTS = [
    "panic\\w*|freak\\w* out|fail\\w*|stops? working|breaks?|broke|run\\w* out|runs out|lose|lost",
    "dies|died|leaks?|burst\\w*|snaps?",
    "cannot|drown\\w*|sharks?|stuck|claustrophob\\w*|chok\\w*|sweep\\w*|currents?|bends|bent",
    "dcs|flood\\w*|comes off|falls off|pass out|black out|faint|sink|sinks|separated",
    "disappear\\w*|attack\\w*|bite|bitten|sting|stung|air|equali[sz]e|ears|mask|regulator|reg",
    "breathe|breath|get back on|scared|afraid|nervous|anxious",
]

# Age and swimming ability for a course (a medical condition is checked
# first and wins).
_COURSE_FITNESS = [
    "too (?:old|young)|old enough|young enough|how old|what age|(?:minimum|min|upper|max"
    "|maximum|lower) age|age (?:limit|requirements?|restrictions?|minimum)|at my age",
    "(?:in|at) (?:my|his|her) (?:[4-9]0s|forties|fifties|sixties|seventies|eighties)",
    "\\d{1,2} (?:year old|years old|yo|yr old|yrs old)|aged \\d{1,2}",
    "(?:i am|he is|she is|they are|is|turning) \\d{1,2}(?! ?(?:m|ft|meters?|metres?|feet|bar|min))",
    "swim\\w* (?:well|test|requirements?|ability|skills?|test|good|strong|properly)",
    "(?:strong|good|great|weak|bad|poor|confident|decent) swimmer|tread\\w* water",
    "(?:can|could|do|does) (?:i|you|he|she|they|one) (?:\\w+ )?(?:need|have) to"
    " (?:be able to )?swim",
    "what fitness|how fit|fitness (?:level|requirements?|needed|test)",
    "not (?:very |that |super )?fit|out of shape|physically (?:demanding|hard|fit)",
]

# Planning a trip, not computing a dive: "help me plan a dive trip to Sipadan".
_TRIP_PLANNING = [
    "(?:plan|planning|organi[sz]e|organi[sz]ing|book|booking|arrange|arranging)"
    " (?:\\w+ ){0,4}(?:trip|trips|holiday|holidays|vacation|itinerary|getaway|weekend|tour"
    "|safari|liveaboard|travel|week|break)",
    "itinerary|where (?:should|to|can) (?:i|we) (?:go|dive|stay)|best time to (?:go|visit|dive)",
]

_QUESTION_RE = words(_QUESTION_FORMS)
_TOPIC_RE = words(_TOPICS)
_REPORT_RE = words(_REPORT_MARKERS)
_HYPOTHETICAL_CLAUSE_RE = words(["if|in case|whether"])
# How to do a skill ("how do I equalise properly?") is a lesson, not a
# danger, unless a problem is named with it ("... when my ears hurt").
_SKILL_RE = words(
    [
        "how (?:do|can|should|would|could) (?:i|we|you|one|divers|beginners) (?:\\w+ )?"
        "(?:equali[sz]e|clear|pop|practi[sc]e|get better at|improve|learn)",
        "how to (?:\\w+ )?(?:equali[sz]e|clear|pop|practi[sc]e|get better at|improve|learn)",
        "(?:best|right|proper|correct|easiest|different) (?:way|ways|technique|techniques|method)"
        " (?:to|of|for) (?:equali[sz]\\w*|clear\\w*)",
        "(?:equali[sz]ation|equali[sz]ing) (?:techniques?|methods?|tips)",
    ]
)
_PROBLEM_RE = words(
    [
        "hurts?|hurting|pain\\w*|aches?|aching|blocked|block|squeeze|bleed\\w*|dizz\\w*|vertigo",
        "cannot|can not|cant|wont|doesnt|not|never|unable|problems?|trouble|struggl\\w*|fail\\w*",
        "injur\\w*|damage\\w*|burst|perforat\\w*|rupture\\w*|infection|sick|after",
    ]
)
_FEAR_RE = words(_FEAR_FORMS)
_FEAR_EVENT_RE = words(_FEAR_EVENTS)
_COURSE_FITNESS_RE = words(_COURSE_FITNESS)
_TRIP_RE = words(_TRIP_PLANNING)


def reports_something(clauses: list[str]) -> bool:
    """True if a clause of the message reports a real state rather than asking about one.

    Within a clause, the words after "if" are hypothetical: in "what should I
    do if my mask floods and I can't see" nothing is reported, while in "how
    do I know if I have the bends? my knee hurts" the second clause reports.
    """
    for clause in clauses:
        hypothetical = _HYPOTHETICAL_CLAUSE_RE.search(clause)
        if _REPORT_RE.search(clause[: hypothetical.start()] if hypothetical else clause):
            return True
    return False


def asked_about(text: str, clauses: list[str]) -> str | None:
    """The question form when `text` asks about a safety topic without reporting one.

    `clauses`: the same text split at punctuation, each normalised.
    """
    question = _QUESTION_RE.search(text)
    if question and _TOPIC_RE.search(text) and not reports_something(clauses):
        if _SKILL_RE.search(text) and not _PROBLEM_RE.search(text):
            return None
        return question.group(0)
    return None


def feared(text: str, clauses: list[str]) -> str | None:
    """The worry form when `text` voices a "what if" fear about diving."""
    fear = _FEAR_RE.search(text)
    worry = fear and (_FEAR_EVENT_RE.search(text, fear.end()) or _TOPIC_RE.search(text, fear.end()))
    if fear and worry and not reports_something(clauses):
        return fear.group(0)
    return None


def course_fitness(text: str) -> str | None:
    """The age or swimming phrase when `text` asks whether someone can do a course."""
    match = _COURSE_FITNESS_RE.search(text)
    return match.group(0) if match else None


def trip_planning(text: str) -> str | None:
    """The phrase that makes `text` a request to plan a trip (not a dive)."""
    match = _TRIP_RE.search(text)
    return match.group(0) if match else None
