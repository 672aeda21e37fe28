"""The safety rules' lexicon: phrase lists per category and their compiled patterns.

Phrases are regular-expression fragments matched on whole words ("a|b" lists
alternatives), built from the small building blocks at the top. The plain
lists (other languages' emergency phrases, CJK injection phrases) are data in
nlu/safety/words.yml; the rest stays here with the comments that say why
each phrase is there. Standard library and PyYAML only: imported inside the
Rasa server.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from nlu.safety.phrases import alt as _alt
from nlu.safety.phrases import words as _words

WORDS = yaml.safe_load((Path(__file__).parent / "words.yml").read_text(encoding="utf-8"))
"""The plain word lists and maps of nlu/safety/words.yml."""

# Pattern helpers and shared vocabulary


_POSS = "(?:my|his|her|their|our|the|your|a)"
_PERSON = _alt(
    "buddy|dive buddy|friend|husband|wife|partner|boyfriend|girlfriend",
    "son|daughter|brother|sister|dad|father|mum|mom|mother|kid|child",
    "student|instructor|guide|diver|divemaster",
)
_SUBJECT = _alt("he|she|they|i|we|someone|somebody", f"{_POSS} {_PERSON}")
_LIMB = "(?:arms?|legs?|hands?|foot|feet|fingers?|toes?|face|body|side|lips)"
_JOINT = "(?:joints?|shoulders?|elbows?|knees?|hips?|wrists?|ankles?)"
_PAIN_SITE = _alt(_JOINT, _LIMB, "chest|back|neck|spine|stomach|belly|abdomen")
_CANNOT = "(?:cannot|could not|unable to|can barely|barely|struggling to)"

# --------------------------------------------------------------------------- #
# Emergency lexicon
# --------------------------------------------------------------------------- #

_SOME_OF = "(?:one|two|three|four|some|\\d+) of"
# Not a diver looking for a buddy: "can't find a dive buddy for my trip".
_SEEKING_A_BUDDY = (
    "(?! (?:for (?:my |our |a |the |this |next )?(?:trip|holiday|vacation|course|weekend)"
    "|to (?:dive|go) with|who)\\b)"
)

# Explicit calls for help: no context makes "call an ambulance" harmless.
_URGENT_CALLS = [
    # Not "can anyone help me with nitrox?" or "where can I get help planning?".
    "sos|mayday|help help|send help|go get help",
    "(?:need|get) help (?:now|fast|quick|quickly|asap|urgently|immediately|right now)",
    "(?:someone|somebody|anyone|anybody) (?:please )?help (?:him|her|them|us|me now)",
    f"please help (?:him|her|them|me now|{_POSS} {_PERSON})",
    "call (?:an |the )?(?:ambulance|coast ?guard|rescue|paramedics?|emergency services|for help"
    "|911|999|112|995|000)",
    "(?:need|needs|get|send|bring) (?:an |the |a )?"
    "(?:ambulance|paramedics?|medevac|evacuation|helicopter|coast ?guard)",
    # Emergency oxygen is the first-aid step for every diving injury.
    "(?:need|needs|get|give|giving|bring|grab) (?:him |her |them |me |us )?(?:the |some )?"
    "(?:emergency )?oxygen (?:now|asap|quick|quickly|fast|please|immediately|kit|right now)",
    "(?:we|i|he|she|they) (?:need|needs) (?:emergency )?oxygen"
    "(?! (?:provider|course|certification|cert|training|kit on))",
    "where is the oxygen",
    "(?:is|he is|she is|put (?:him|her)) on oxygen",
    # Not "do the boats have emergency oxygen?": the article makes it an event.
    "(?:it is|this is|we have|i have|having) an (?:medical |diving |dive )?emergency",
    "emergency (?:now|here|please)",
    "(?:need|needs|get (?:him|her|them|me) to) (?:\\w+ ){0,3}"
    "(?:doctor|medic|hospital|chamber|recompression|hyperbaric chamber)"
    " (?:now|asap|urgently|immediately|right now|fast|quickly)",
    "(?:need|needs) (?:to get to )?(?:a |the )?(?:recompression|hyperbaric|deco|decompression)"
    " (?:chamber|treatment)",
]

# Signs of a life-threatening state. Negation never applies: in "he is not
# breathing" the negation *is* the symptom.
_CRITICAL = [
    "not breathing|stopped breathing|no longer breathing|(?:is|was) barely breathing",
    # "I can't breathe through my nose with the mask on" is a mask skill question.
    f"{_CANNOT} (?:breathe|breath|breathing|get air|get any air|catch (?:my|his|her) breath)"
    "(?! through (?:my |your |the )?nose)",
    "(?:trouble|difficulty|difficulties|problems?|struggling) breathing",
    "hard to (?:breathe|breath)|shortness of breath|gasping|choking|no pulse",
    "(?:not|stopped) responding|not responsive|unresponsive|unconscious|not conscious",
    "(?:lost|losing) consciousness",
    f"(?:will not|would not|does not|did not|{_CANNOT}) wake (?:up|him|her|them)",
    # A person not moving, not "the boat is not moving".
    f"(?:he|she|they|him|her|{_PERSON}) (?:is |are |was |s )?not moving",
    "not waking(?: up)?|went limp|lifeless",
    "(?:floating|lying|drifting) (?:\\w+ )?(?:face down|motionless|lifeless)",
    "face down in the water",
    f"{_CANNOT} (?:keep|stay|get) (?:\\w+ )?(?:head )?above (?:the )?water",
    "(?:keeps|kept) going under",
    "turning blue|blue lips|foaming at the mouth",
    "(?:lips|face|skin) (?:is |are |turning |turned |went |gone |look |looks )?blue",
    # Someone else's heart: "my heart stopped when I saw a manta" is delight.
    "(?:his|her|their|divers|buddys) heart (?:has )?stopped|no heartbeat|cardiac arrest",
    "(?:doing|giving|started|starting|performing|need|needs) cpr"
    "(?! (?:course|certification|cert|training|class|card))|cpr now",
]

# The same signs in the other languages divers in Malaysia write in.
_CRITICAL_OTHER_LANGUAGES = WORDS["critical_other_languages"]
# Chinese is written without spaces, so these match anywhere.
_CRITICAL_CJK = WORDS["critical_cjk"]

# Serious symptoms. They can be negated ("no numbness"), put in the past ("had
# the bends years ago") or asked about in general ("what are the signs of
# DCS?"); then they are not an emergency but still a medical question.
_SERIOUS_SYMPTOMS = [
    # Chest.
    f"chest pains?|pain in {_POSS} chest|(?:tight|heavy) chest",
    f"(?:tightness|pressure) in {_POSS} chest",
    "chest (?:is |feels )?(?:tight|tightness|hurts|hurting|pressure)",
    # Decompression sickness: joints, nerves, skin.
    f"joint pains?|pain in {_POSS} {_JOINT}",
    f"(?:aching|achy|sore|painful) {_JOINT}|{_JOINT} (?:is |are )?(?:aching|aches?|throbbing)",
    # Numb from cold water is a wetsuit question.
    "numb(?! (?:from|because of|due to) (?:the )?cold)|numbness|tingling|tingly|tingles|tingle"
    "|tingled",
    "pins and needles",
    f"{_CANNOT} feel {_POSS} {_LIMB}|lost (?:the )?feeling in",
    f"paralysis|paralysed|paralyzed|{_CANNOT} move {_POSS} {_LIMB}",
    f"{_LIMB} (?:feels? |are |is |went |gone |have gone |has gone |giving )?"
    "(?:weak|heavy|dead|useless|out)",
    f"weakness in {_POSS} {_LIMB}",
    f"{_CANNOT} (?:even )?(?:walk|stand|stand up)",
    f"{_CANNOT} (?:even )?(?:lift|raise|bend|straighten|grip|use) {_POSS}? ?{_alt(_LIMB, _JOINT)}",
    f"{_CANNOT} (?:even )?(?:lift|raise|bend|straighten) (?:it|them)",
    "(?:face|mouth|smile) (?:is )?droop(?:ing|y|s)|slurr(?:ed|ing)",
    f"{_CANNOT} (?:speak|talk) (?:properly|clearly|right)",
    "(?:skin )?(?:marbling|marbled|mottled|mottling)|cutis marmorata",
    "(?:blotchy|purple|red) (?:patches|blotches|skin)",
    # Skin DCS described rather than named: "skin on her belly looks blotchy".
    "skin (?:\\w+ ){0,4}(?:looks|is|went|gone|turned|turning|has gone|getting|got) (?:all )?"
    "(?:blotchy|mottled|marbled|patchy|purple|like marble)",
    # Lung over-expansion: breathing that hurts.
    "(?:sharp|stabbing|shooting) pain (?:\\w+ ){0,3}(?:breathe|breathing|breath|inhale|inhaling)",
    "(?:hurts|painful|pain) (?:to|when (?:i|he|she|they|we|you)) (?:breathe|inhale|take a breath)",
    # Lungs and blood.
    "(?:coughing|spitting|cough|spit|coughed|spat|vomiting) (?:up )?(?:some )?"
    "(?:blood|bloody|pink)",
    f"blood (?:\\w+ ){{0,2}}(?:in|from|out of) {_POSS} (?:mouth|lungs|cough|spit|ears?|nose|eyes?)",
    "(?:bloody|pink|frothy) (?:foam|froth|sputum|spit)",
    "bleeding|blood everywhere|lots? of blood",
    "blood (?:is )?(?:coming|pouring|running) (?:out|from)",
    "(?:arterial )?gas embolism|collapsed lung|pneumothorax",
    "lung (?:overexpansion|over expansion|injury|barotrauma)",
    # Decompression illness by name.
    "(?:have|has|got|getting|get|had) (?:the )?(?:bends|dcs|dci)",
    "got bent|(?:i am|he is|she is|i think i am|is) bent",
    "(?:signs|symptoms) of (?:the )?(?:bends|dcs|dci|decompression|an embolism|embolism|age)",
    "(?:bends|dcs|dci|decompression sickness) symptoms",
    # Asking whether a present state is DCI: "is this the bends?".
    "(?:is|could|might) (?:this|that|it) (?:be )?(?:the )?(?:bends|dcs|dci|decompression sickness"
    "|decompression illness|an embolism|embolism)",
    "(?:think|thinks|might|may|could|looks like|sounds like|suspect) (?:\\w+ ){0,3}"
    "(?:bends|dcs|dci|decompression sickness|decompression illness|embolism|lung overexpansion"
    "|collapsed lung|pneumothorax)",
    # Neurological and other acute states.
    "seizures?|seizing|convulsing|convulsions|fitting",
    "passed out|passing out|blacked out|fainted|fainting",
    f"{_SUBJECT} (?:\\w+ ){{0,5}}(?:collapsed|collapses)(?! lung)",
    "collapsed (?:on|in|at|onto|by) (?:the )?"
    "(?:deck|boat|beach|jetty|dock|shore|sand|ladder|floor)",
    # A stroke or seizure now; "if I had a stroke years ago" is medical history.
    "having (?:a )?(?:stroke|heart attack|seizure|fit)|heart attack|stroke symptoms",
    "(?<!if i )(?<!if you )(?<!if he )(?<!if she )(?<!i ve )(?<!i have )"
    "had (?:a )?(?:stroke|heart attack|seizure|fit)"
    "(?! (?:\\w+ )?(?:years?|months?|yrs?) ago| (?:in|back in) (?:19|20)\\d\\d"
    "| as a (?:kid|child))",
    "(?:severe|serious|bad|terrible|worst|excruciating|unbearable) (?:pain|headache)",
    "in (?:a lot of |so much |severe |serious |terrible )?pain",
    "(?:blurry|blurred|double|tunnel) vision",
    f"{_CANNOT} see (?:properly|clearly|straight|anything)",
    "vision (?:is |went |going )?(?:blurry|blurred|dim|dark|weird|strange)",
    "allergic reaction|anaphylaxis|anaphylactic|epipen",
    "throat (?:is )?(?:swelling|closing)|swollen (?:throat|tongue)",
    "hypothermi[ac]|shivering uncontrollably|heat ?stroke",
]

# Dangerous events. Like symptoms they can be negated or asked about in
# general, but a question about them ("how do I avoid running out of air?")
# is not a medical question.
_INCIDENTS = [
    # Ascent problems.
    "(?:came|went|shot|rocketed|bolted|popped|floated|raced|flew|zoomed|blew|ascended|surfaced|rose"
    "|got pulled|was pulled|dragged) (?:\\w+ ){0,3}(?:too|way too|really|very|so|super|much too)"
    " (?:fast|quickly|quick|rapidly)",
    "(?:shot|rocketed|bolted|popped|blew|flew|zoomed|torpedoed) (?:straight )?(?:up )?(?:to )?"
    "(?:the )?surface",
    "(?:shot|rocketed|bolted|zoomed) (?:straight )?up",
    # "Blew up my DSMB" is routine; a "blow-up" ascent is not.
    "(?:rapid|uncontrolled|uncontrollable|runaway|fast|emergency) ascent",
    "(?:had|did|made) (?:a |an )?(?:blow ?up|blowup)",
    f"(?:missed|skipped|omitted|blew|blown|did not do|did not make) {_POSS}? ?"
    "(?:mandatory |required )?(?:deco|decompression|safety) stops?",
    f"held {_POSS} breath (?:\\w+ ){{0,3}}(?:ascent|ascending|coming up|going up|surfacing)",
    # Missing, separated or trapped divers.
    f"(?:{_PERSON}|someone|somebody) (?:is |went |has gone )?missing",
    "missing (?:diver|buddy|person)",
    "(?:lost|cannot find|could not find|cannot see|lost sight of|lost contact with|"
    "(?:no|any) sign of)"
    f" (?:{_SOME_OF} )?{_POSS} (?:dive )?(?:{_PERSON}|group|boat)s?\\b{_SEEKING_A_BUDDY}",
    "(?:cannot|could not|can no longer) (?:see|find|spot|locate)"
    f" (?:him|her|them|(?:{_SOME_OF} )?{_POSS} {_PERSON}s?\\b){_SEEKING_A_BUDDY}",
    f"(?:current|waves?) (?:took|swept|carried|pulled) (?:\\w+ ){{0,3}}{_PERSON}s?",
    f"{_PERSON} with (?:\\w+ )?symptoms",
    "(?:has not|did not|never|still has not) (?:come up|came up|surfaced|resurfaced|come back"
    "|returned|come to the surface)",
    "diver down(?! (?:flags?|buoys?|sign|signal|marker))",
    "man overboard|lost at sea|adrift|(?:drifting|swept|carried) (?:away|out|off)",
    "(?:dive )?boat (?:has )?(?:left|gone|is gone) (?:without )?us",
    f"(?:stuck|trapped|entangled|tangled|caught) (?:up )?(?:in|under|inside) {_POSS}? ?"
    "(?:net|nets|fishing net|fishing line|line|rope|wreck|cave|kelp|rocks|reef)",
    # Drowning and air supply. "Drowning in paperwork" is figurative.
    "(?:drowning|drowned)(?! in (?!(?:the )?(?:water|sea|ocean|pool|surf|waves|current)))",
    "(?:inhaled|aspirated|breathed in|swallowed) (?:a lot of |lots of |some )?(?:sea )?water",
    "(?:is |am |are |just |ran |running |run )out of (?:air|gas)",
    f"{_POSS} (?:tank|cylinder) (?:is |was )?empty|no air left",
    # Injuries from marine life and boats.
    "(?:stung|bitten|bit|spiked|stabbed) by (?:a |an )?(?:stonefish|lionfish|scorpionfish"
    "|box jellyfish|jellyfish|box jelly|sea snake|stingray|blue ringed octopus|cone (?:snail|shell)"
    "|shark|moray|eel|barracuda|sea urchin|fire coral|crown of thorns)",
    "hit by (?:a |an |the )?(?:boat|propeller|prop)",
    f"(?:hit|banged|smashed) {_POSS} head|head (?:injury|wound)",
]

# Milder or ambiguous symptoms. They count only when tied to a dive that just
# happened or to the present ("dizzy after the dive", "confused and getting
# worse"): "I'm confused about PADI vs SSI" is not an emergency.
_AFTER_DIVE_SYMPTOMS = [
    "dizzy|dizziness|vertigo|light ?headed",
    "(?:room|world|head|everything) (?:is |keeps )?spinning",
    "(?:is|are) panicking",
    "confused(?! (?:about|by|with|on|as to|regarding|whether|which|what|why|how|if))",
    "confusion|disoriented|disorientated|talking nonsense",
    "(?:not|stopped) making sense",
    "acting (?:strange|strangely|weird|weirdly|odd|oddly|drunk|funny|confused|off)",
    "headache|head (?:hurts|is pounding|pounding)",
    "nausea|nauseous|nauseated|vomiting|vomited|throwing up|threw up|puking",
    "(?:feel|feels|feeling) (?:very |really |so |super )?"
    "(?:sick|unwell|ill|weak|weird|strange|off|funny|wrong|terrible|awful|horrible|bad)",
    "not (?:feeling|feel) (?:well|right|good|ok|okay)",
    "weakness",
    "(?:extreme|extremely|unusual|unusually|very|really|super)"
    " (?:tired|fatigued|exhausted|fatigue)",
    "itchy|itching|itch|swollen|swelling",
    "rash(?! ?(?:guards?|vests?|top|shirt))",
    "(?:red|purple) (?:spots|patches|marks)",
    f"(?:pain|ache|aches|aching) in {_POSS} {_PAIN_SITE}",
    f"{_PAIN_SITE} (?:is |are |really |feels |has |have |has been |have been )?"
    "(?:hurts|hurt|hurting|aches|ached|aching|sore|painful|killing me)",
    f"{_PAIN_SITE} (?:very |really |so |a lot |much )?(?:pain|painful)",
    "short of breath|out of breath|breathless|coughing|wheezing",
    "breathing (?:is )?(?:fast|rapid|shallow|laboured|labored|weird|strange|funny|noisy)",
    "cannot remember|memory loss",
    "something (?:is )?wrong with (?:me|him|her|them|my)",
]

# Ties a symptom to a dive that has just happened.
_AFTER_DIVE_CONTEXT = [
    "after (?:the|my|our|his|her|this|that|a|last|today|todays|yesterdays|the last|my last"
    "|our last|the second|the first|the deep|a deep|the night|my second|our second|my first"
    "|our first)? ?(?:dive|dives|diving|surfacing|ascent|we surfaced|i surfaced)",
    "after (?:we|i|he|she|they) (?:surfaced|came up|got out|got back)",
    "since (?:the |my |our |his |her |this |that |the last |my last |our last |today s )?"
    "(?:dive|dives|diving|surfacing|coming up)(?! (?:trip|course|holiday|season))",
    f"since {_SUBJECT} (?:surfaced|came up|got out)",
    "post ?dive",
    "(?:just|we|i|he|she|they) (?:just )?"
    "(?:surfaced|came up|got out of the water|got back on the boat)",
    "(?:when|once|as soon as) (?:we|i|he|she|they) (?:surfaced|came up|got out|got back on)",
    "(?:back )?on the (?:boat|surface)",
    "(?:during|on|at the end of) (?:the|my|our|his|her|this|that|today s)"
    " (?:dive|ascent|safety stop)",
    "on the way up|(?:while|when) (?:ascending|coming up|going up)",
    "(?:dive|dived|dove|diving) (?:today|this morning|this afternoon|earlier|yesterday)",
    "(?:today|this morning|this afternoon|earlier|yesterday) s dive",
    "(?:deep|second|third|last|night|wreck) dive (?:today|this morning|earlier)",
    "(?:came|come) up|surfaced",
]

# Unmistakably the present: overrides "years ago" ("I had DCS years ago and
# right now my arm is numb").
_STRONG_NOW_CONTEXT = [
    "right now|currently|getting worse|keeps getting|worse and worse|just now|tonight",
    "today|this morning",
    "\\d+ (?:minutes|mins|min|hours|hrs|hour) ago|an hour ago|a few (?:minutes|hours) ago",
    "for the (?:last|past) (?:hour|few hours|\\d+ (?:minutes|hours))",
]

# The present: enough to tie a mild symptom to now, but a bare "now" does not
# undo "years ago" ("I had the bends years ago; can I dive now?").
_NOW_CONTEXT = [
    *_STRONG_NOW_CONTEXT,
    "now|still",
    "(?:he|she|they) (?:is|are|seems?|looks?|keeps?)",
    f"{_POSS} {_PERSON} (?:is|seems|looks|keeps|has|feels)",
]
# In a question about a danger, "a diver is unconscious" is anyone, while "my
# buddy is" or "he is" is someone real: only the latter is now.
_SPECIFIC_NOW_CONTEXT = [
    *_STRONG_NOW_CONTEXT,
    "now|still",
    "(?:he|she|they) (?:is|are|seems?|looks?|keeps?)",
    f"(?:my|his|her|their|our) {_PERSON} (?:is|seems|looks|keeps|has|feels)",
]

# "I always get headaches after diving" describes a pattern, not an incident.
_HABITUAL = [
    "always|usually|sometimes|often|tends? to|every time|each time|whenever",
    "normally|typically|generally|regularly",
    "(?:i|you|we|divers|people|some people|one|still|also) gets?",
    "why do (?:i|you|we|divers|people|some)",
]

# Symptom words in a general, educational or hypothetical question.
_GENERAL_QUESTION = [
    "what (?:are|is) (?:the )?(?:common |typical |main |early |first )?"
    "(?:signs?|symptoms?|causes?|treatment|first aid|difference|risks?|chances?)",
    "(?<!showing )(?<!having )(?<!has )(?<!with )(?:signs|symptoms) of",
    "what (?:should|do|would|can|must) (?:i|we|you|one|a diver|divers) do (?:if|when|in case)",
    "what to do (?:if|when|in case)|what happens (?:if|when|to)|what causes",
    "how (?:do|can|should|would|could|to) (?:i|we|you|one|a diver|divers)? ?"
    "(?:avoid|prevent|stop|treat|handle|recogni[sz]e|know|tell|spot|rescue|deal|manage|respond"
    "|react|identify|reduce)",
    "in case (?:of|a|my|someone|somebody)",
    "is it (?:possible|common|likely) to",
    "(?:can|could) (?:you|i|divers|people) (?:get|have|die)",
    "(?:risks?|chances?|likelihood) of|how common|how (?:likely|dangerous|serious)",
    "what is (?:a|an) |what does .* mean|meaning of|define|explain|definition",
    "(?:tell me|learn|read|reading) about",
]

# Simulated emergencies: "the unresponsive diver skill we practised". Words for
# a course itself are left out, since a real emergency can happen on a course.
_TRAINING = [
    "practi[cs]e|practi[cs]ed|practi[cs]ing|drills?|skills?|scenarios?|exercises?",
    "simulat(?:e|ed|ion)|role play|learn|learned|learnt|learning|taught|teach(?:es|ing)?",
]

# A symptom in the past: "I had the bends two years ago, can I dive again?"
_HISTORY = [
    "(?:(?:\\d+|a|an|one|two|three|four|five|six|few|a few|couple of|many|several) )?"
    "(?:years?|yrs|months?|weeks?) ago",
    "last (?:year|month|summer|winter|season)|in the past|history of|back in \\d{4}",
    "as a (?:kid|child|teen|teenager|baby)",
    "when i was (?:young|little|a kid|a child|younger|a teenager|\\d+)",
    "used to (?:have|get|suffer)|(?:in|since) (?:19|20)\\d\\d",
    "(?:recovered|recovering) from|ever had|have had|has had",
]

# A negator directly before a symptom cancels it ("no pain", "not dizzy",
# "don't have any tingling"); filler words may stand in between, and so may
# other symptoms in a list ("no numbness or tingling"). Critical signs are
# never negated: "no, he's not breathing" is an emergency.
_NEGATORS = frozenset("no not never without none zero nor neither".split())
_NEGATION_FILLERS = frozenset(
    """any a an the more real other obvious serious major sign signs symptom symptoms of have
    has had feel felt feeling get got experience experienced notice noticed at all really much
    is are was were been longer even slightly too very so and or i am do did does""".split()
    + """pain pains ache aches numb numbness tingling tingly dizzy dizziness headache headaches
    nausea rash itching itchy weakness joint joints chest tightness swelling vomiting fatigue
    confusion vertigo""".split()
)
_NEGATION_WINDOW = 8

# Fear of something is not that thing happening: "I'm scared of drowning".
# "Worried about" stays a report: "worried about the tingling in my arm".
_FEAR_BEFORE = re.compile(
    r"(?:afraid|scared|fear|fears|terrified|phobia|frightened) of (?:\w+ ){0,2}$"
)
# Likeness only softens events: "it feels like I'm drowning with the regulator"
# is a comfort question, but "it feels like pins and needles" is a symptom.
_LIKENESS_BEFORE = re.compile(r"(?:(?:feel|feels|felt|feeling) like|as if) (?:\w+ ){0,2}$")

# --------------------------------------------------------------------------- #
# Medical lexicon
# --------------------------------------------------------------------------- #

# Conditions, treatments, medicines and fitness paperwork: a medical question
# wherever they appear.
_MEDICAL_TERMS = [
    # Lungs and airways.
    "asthma|asthmatic|inhalers?|ventolin|salbutamol|albuterol",
    "copd|emphysema|bronchitis|pneumonia|tuberculosis|cystic fibrosis|covid|long covid",
    "lung (?:condition|disease|surgery|problems?|issues?|function|capacity|scarring|nodules?)",
    # Heart and circulation.
    "heart (?:conditions?|disease|problems?|issues?|surgery|murmur|failure|valve|attack|rhythm"
    "|defect|operation|stent)",
    "pacemaker|stents?|bypass surgery|arrhythmia|a ?fib|atrial fibrillation|palpitations",
    "pfo|patent foramen ovale|hole in (?:my|the|his|her) heart",
    "(?:high |low )?blood pressure|hypertension|hypotension|cholesterol",
    "blood thinners?|anticoagulants?|warfarin|apixaban|rivaroxaban|eliquis|xarelto|aspirin",
    "beta ?blockers?|statins?",
    # Metabolic and neurological.
    "diabetes|diabetic|insulin|metformin|blood sugar|hypoglyca?emia",
    "epilepsy|epileptic|seizures?|panic attacks?|migraines?|thyroid|multiple sclerosis|concussion",
    "(?:had|have had|has had|history of|after|since|recovering from|a past) (?:a |my )?strokes?",
    # Pregnancy and hormones.
    "pregnant|pregnancy|breast ?feeding|ivf|postpartum|gave birth|c section|ca?esarean",
    "miscarriage|birth control|contraceptive|hrt",
    # Surgery, injuries and implants.
    "surgery|surgeries|appendectomy|appendix|hernia|gallbladder",
    "(?:had|have|having|after|recent|since|from) (?:an |my |a |the )?(?:\\w+ )?operation",
    "(?:knee|hip|shoulder) replacement|acl|meniscus|rotator cuff",
    "lasik|cataract|glaucoma|(?:detached )?retina",
    "stitches|implants?|(?:metal |titanium )?(?:plates?|screws|rods?|pins) in (?:my|his|her)",
    "broken (?:arm|leg|wrist|ankle|ribs?|collarbone|bone|toe|finger|hand|foot|nose)",
    "fracture|fractured|sprained|sprain|torn ligament|dislocated",
    "herniated disc|slipped disc|scoliosis|sciatica|spinal|arthritis|osteoporosis",
    "(?:bad|injured) (?:back|knees?|shoulder)|back (?:problems|surgery|injury)",
    "amputee|prosthetic|wheelchair|paraplegic|disability",
    # Dental work traps air under fillings and leaves sockets that must heal.
    "wisdom (?:tooth|teeth)|(?:tooth|teeth) (?:pulled|extracted|removed|extraction)",
    "dental|dentist|root canal|fillings?|crowns?(?! of thorns)|braces|dentures",
    # Ears, nose and sinuses.
    "ear infections?|otitis|swimmers ear|grommets|ear tubes|tinnitus|hearing loss|menieres?",
    "(?:perforated|ruptured|burst|torn) (?:ear ?drums?)|ear ?drums?",
    "ears? (?:pain|ache|aches|hurt|hurts|hurting|infection)|earache",
    "(?:ear|sinus|mask|tooth) squeeze|barotrauma",
    "sinus|sinuses|sinusitis|congestion|congested|(?:stuffy|blocked|runny) nose|nose ?bleeds?",
    # A cold, not cold water.
    "(?:have|got|with|had|has|caught) (?:a|the) (?:bad |head |chest |slight |little |mild )?"
    "(?:cold|flu)(?! (?:water|front|snap|current|currents|thermocline|spell|dive|dives))",
    "(?:have|has|had|got) flu",
    "(?:head|chest|common) cold|the flu|hay fever|allerg(?:y|ies)",
    # Skin.
    "eczema|psoriasis|dermatitis|skin condition",
    # Medicines.
    "medications?|medicines?|meds|prescriptions?|pills|tablets|painkillers?|sleeping pills?",
    "decongestants?|sudafed|pseudoephedrine|nasal sprays?|antihistamines?",
    "antibiotics?|amoxicillin|doxycycline",
    "malaria|anti ?malarials?|mefloquine|lariam|malarone|chloroquine",
    "scopolamine|dramamine|stugeron|cinnarizine|meclizine|promethazine",
    "anti ?depressants?|ssris?|sertraline|fluoxetine|prozac|zoloft|citalopram|escitalopram",
    "lexapro|venlafaxine|bupropion|xanax|valium|diazepam|benzodiazepines?",
    "adhd|adderall|ritalin|methylphenidate|steroids?|prednisone|prednisolone|ibuprofen|paracetamol",
    # Other conditions.
    "chemo(?:therapy)?|cancer|leuka?emia|lymphoma|tumou?r|radiotherapy",
    "mental health|depression|bipolar|anxiety (?:disorder|medication|meds)|panic disorder|ptsd",
    "kidney|liver|hepatitis|hiv|crohns|colitis|obese|obesity|overweight|bmi|chronic",
    "medical condition|health (?:condition|issues?|problems?)",
    # A past decompression injury ("what is DCS?" alone is theory, not this).
    # Not hypothetical: "how would I know if I had the bends?".
    "(?<!if i )(?<!if you )(?<!if we )(?:had|have had|has had|got|history of|after|since"
    "|recovering from) (?:the |a |an )?"
    "(?:bends|dcs|dci|decompression sickness|decompression illness|embolism)",
    # Fitness to dive and the paperwork for it.
    "medical (?:questionnaire|form|statement|clearance|certificate|exam|examination|check"
    "|checkup|history|declaration|approval|sign off)",
    "(?:fit|fitness) to dive|(?:dive|diving) medical",
    "doctors? (?:note|approval|clearance|letter|sign off|signature|permission)",
    "(?:doctor|gp|physician|cardiologist|specialist) (?:to )?"
    "(?:clear|sign|approve|said|says|cleared|signed)",
    "(?:see|ask|consult|check with) (?:a|my|your|the) (?:doctor|gp|physician)",
    # Age and swimming ability alone are course questions (nlu.safety.grading).
    "too (?:unfit|fat)|(?:very |really )?unfit",
    # Malay, Spanish, French.
    "asma|kencing manis|darah tinggi|tekanan darah|sawan|epilepsi|penyakit jantung",
    "mengandung|hamil|ubat|pembedahan|selsema",
    "embarazada|medicamentos?|enceinte|medicaments?",
]

# Injuries diving itself causes: asked about in general ("what should I do if
# my ears hurt on the way down?") they are a safety question the guides
# answer, not a doctor's question.
_DIVING_INJURY_TERMS = [
    "ears? (?:pain|ache|aches|hurt|hurts|hurting)|earache|(?:ear|sinus|mask|tooth) squeeze",
    "barotrauma|(?:perforated|ruptured|burst|torn) (?:ear ?drums?)|ear ?drums?|nose ?bleeds?",
    "sinus|sinuses",
    "ear infections?|otitis(?: externa)?|swimmers ear|(?:surfers|surfer s) ear",
    "seasick(?:ness)?|motion sickness|(?:coral|reef) (?:cuts?|scrapes?|rash)",
]

# Words that are medical only in a question about diving ("can I dive with a
# new tattoo?", "is it safe to dive on my period?").
_MEDICAL_IF_ASKED = [
    "tattoos?|piercings?|period|menstruating|hangover|hung over|alcohol|drinking|drunk",
    "smok(?:e|er|ing)|vap(?:e|er|ing)|weed|cannabis",
    "sick|ill|illness|injury|injured|wound|cut|sunburn|diarrh(?:o)?ea|food poisoning",
    "seasick(?:ness)?|motion sickness|pain|headaches?|dizzy|dizziness|vertigo|tired|fatigue",
    "(?:ears?|sinus|sinuses|tooth|teeth|chest|back|knees?) (?:hurts?|pain|ache|problems?)",
    "health|fit enough|heart|lungs?|eyes?|ears?|blood|bends|dcs|decompression sickness",
]

# "Can I dive ...?", "is it safe to dive ...?": the question that makes such
# a word medical.
_ELIGIBILITY = [
    "(?:can|could|may|should) (?:i|we|he|she|they|my \\w+|you|someone|people|a diver)"
    " (?:still |safely |even |ever |also )?(?:dive|scuba|go diving|go scuba diving|learn to dive"
    "|snorkel|freedive|do (?:a|the|my|an) (?:dive|course|try dive|discover scuba|open water))",
    "(?:is it|it is|would it be|will it be|is diving|is scuba) (?:still )?"
    "(?:safe|ok|okay|fine|dangerous|risky|advisable|bad|a problem|allowed|possible|wise|harmful)",
    "(?:am i|is he|is she|are we) (?:still )?(?:allowed|able|fit|ok|okay|cleared|safe) to",
    "(?:am i|is he|is she|are we|are they) (?:still )?(?:fit|healthy|well) enough",
    "(?:allowed|cleared|fit|safe|ok|okay) to (?:dive|scuba)",
    "(?:dive|diving|scuba|snorkel|snorkeling|snorkelling) (?:with|while|on|after|if|when)",
    "(?:before|when) (?:diving|a dive|my dive|the dive)",
    "affect (?:my|your|the)? ?(?:diving|dive|dives)",
    "(?:risk|risky|dangerous) (?:for|to) (?:divers|diving|dive)",
    "(?:does|do|will|can) (?:diving|scuba) (?:affect|make|cause|help|worsen)",
    "(?:problems?|issues?|risks?|concerns?|bad|safe) (?:for|with)"
    " (?:diving|scuba|divers|my diving)",
    "(?:more|higher|increased) (?:at )?risk",
]

# --------------------------------------------------------------------------- #
# Dive-plan lexicon
# --------------------------------------------------------------------------- #

# Numbers with a unit ("18m" is split into "18 m" by normalisation).
_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITIES = {
    "depth": rf"{_NUMBER} ?(?:m|mt|mtrs?|meters?|metres?|ft|feet|foot|fsw|msw)",
    "time": rf"{_NUMBER} ?(?:min|mins|minutes?|hr|hrs|hours?|h)",
    "pressure": rf"{_NUMBER} ?(?:bar|psi|ata)",
    "mix": r"(?:\d{2} ?%|\d{2} percent|(?:ean|eanx|nitrox|ean x) ?\d{2}|\d{2} ?/ ?\d{2})",
    "volume": rf"{_NUMBER} ?(?:l|litres?|liters?|cuft|cu ft|cf|cubic feet)",
    "ppo2": r"[01]\.\d{1,2}",
}

# Planning concepts that only make sense for a particular dive.
_PLAN_TERMS = [
    "ndls?|no ?deco(?:mpression)? (?:limits?|times?|stop limits?)|no stop (?:limits?|times?)",
    "bottom time|(?:pressure|letter) group|surface intervals?|residual nitrogen|rnt",
    "repetitive dives?|(?:second|third|next|2nd|3rd|another) dive|multi ?level",
    "sac(?: rate)?|rmv|(?:air|gas|surface air) consumption|consumption rate|breathing rate",
    "turn (?:pressure|point|around|back)|rock bottom|min(?:imum)? gas",
    "gas (?:plan|planning|reserve|requirements?)",
    "mod|max(?:imum)? operating depth|ppo2|po2|partial pressure|best mix",
    "max(?:imum)? depth (?:for|on|with|of|using) (?:a |an )?(?:ean|eanx|nitrox|\\d{2})",
    "equivalent (?:narcotic|air) depth|ead|cns|otu",
    "(?:deco|decompression) (?:stops?|schedule|obligation|plan|time)|run ?time",
    "dive tables?|rdp|erdp|dive planner|dive plan|no ?fly (?:time|limit|interval)",
    "plan (?:my|our|a|the) (?:dive|dives|deco|gas)"
    "(?! (?:trip|trips|holiday|holidays|vacation|weekend|getaway|itinerary|safari|tour|travel))",
    "(?:how long|how many minutes) (?:can|could) (?:i|we) (?:stay|dive|remain|be|spend)",
    "how long (?:will|would|does) (?:my |a |the |our |\\d+ ?l )?(?:air|gas|tank|cylinder) last",
    "how much (?:air|gas|bottom time|deco|nitrogen)",
    "how deep can (?:i|we) (?:go|dive) (?:on|with) (?:ean|nitrox|eanx|\\d)",
    # Malay: "depth", "no-stop limit".
    "kedalaman|had tanpa henti",
]

# Asking for a number for one's own dive, even without numbers yet
# ("calculate my surface interval").
_COMPUTE = [
    "calculate|calculation|calc|compute|work out|figure out|estimate",
    "when can (?:i|we)",
    "(?:how long|how much|how many|how deep) (?:can|could|should|do|must) (?:i|we)",
    "(?:how long|how many hours) (?:\\w+ ){0,2}(?:until|till|before) (?:i|we) (?:can|could|should)",
    "(?:is it|is that|would it be|will it be|am i) (?:safe|ok|okay|fine|enough|too)",
    "(?:can|could|should|shall) (?:i|we) (?:do|stay|dive|fly|make|spend|push|extend|go|plan)",
    "(?:what|which) (?:is|are|would be|will be|should be) (?:my|our)|what s (?:my|our)",
    "will i (?:need|be|have|hit|go|end)",
    "do (?:i|we) (?:need|have) (?:to do )?(?:a |any )?(?:deco|safety|decompression|stop)",
    "(?:in|into|need|needs|require|requires) (?:deco|decompression)",
    "(?:within|over|past|exceed|exceeded|beyond) (?:my |the )?(?:ndl|limits?|no deco)",
    "for (?:my|our|a|the|this) (?:dive|dives|plan|trip|schedule|holiday|profile)",
    "if (?:i|we) (?:do|dive|stay|go|spend)",
    "(?:i|we) (?:did|do|plan|want|will|am doing|are doing|planning)",
    "(?:tell|give) me (?:my|the|a)",
    # Malay: "how long/much/deep", "calculate".
    "berapa (?:lama|banyak|dalam|minit|jam)|kira(?:kan)?",
]

# A general question ("how long is the surface interval usually?") asks for a
# plan only when it comes with the numbers of a dive.
_QUESTION = [
    "how long|how much|how many|how deep",
    # "At what depth/pressure ...?"; "what time does the boat leave?" is not a plan.
    "(?:at )?what (?:pressure|depth|point)",
    "(?:what|which) (?:is|are|would be|will be|should be) the|what s the",
]

# A time alone ("how long is the boat ride, 45 minutes?") is a plan only
# when the message is about a dive.
_DIVE_WORDS = re.compile(
    r"(?<!\w)(?:dive|dives|diving|dived|dove|depth|deep|bottom|tank|cylinder|air|gas|nitrox|ean"
    r"|deco|decompression|safety stop|surface|ascent|ndl)(?!\w)"
)

# Certification questions ("how deep can I go with open water?") mention depths too.
_CERTIFICATION = re.compile(
    r"(?<!\w)(?:open water|advanced|aow|owd|ow|certification|certified|certs?|licen[cs]e|course"
    r"|padi|ssi|naui|cmas|rescue|divemaster|junior|kids?|children|limit for)(?!\w)"
)

# No-fly requests need a schedule; "why do divers wait before flying?" has none.
# Driving up into the highlands after diving is the same altitude question.
_FLY = re.compile(
    r"(?<!\w)(?:fly|flying|flights?|plane|airport|altitude|elevation|highlands?|mountains?"
    r"|drive up|go up|hike|hiking|climb|climbing|kinabalu|genting)(?!\w)"
)
_SCHEDULE = re.compile(
    r"(?<!\w)(?:\d{1,2}(?: \d{2})? ?(?:am|pm)|\d{1,2} \d{2}|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|tomorrow|tonight|today|next day|same day|day after|this morning"
    r"|morning|afternoon|evening|noon|midnight|\d+ ?(?:hours|hrs|hr|h|days|dives)"
    r"|(?:one|two|three|four|five|six|\d) (?:dives|days|hours)|last dive|final dive)(?!\w)"
)
_DIVE_ACTIVITY = re.compile(
    r"(?<!\w)(?:dive|dives|diving|dived|dove)(?! (?:shops?|cent(?:re|er)s?|sites?|operators?"
    r"|resorts?|trips?|school|spots?|destination))(?!\w)"
)

# --------------------------------------------------------------------------- #
# Prompt-injection lexicon
# --------------------------------------------------------------------------- #

_INSTRUCTION_NOUNS = (
    "(?:instructions?|prompts?|rules|directives?|directions|guidelines|guardrails|programming"
    "|restrictions|constraints|filters|system message|conditioning|policies|limitations|training"
    "|orders|commands)"
)
_REVEAL_VERBS = (
    "(?:reveal|show|print|display|output|tell me|tell us|give me|give us|dump|leak|repeat|list"
    "|share|expose|paste|echo|spit out|write out|read out|send me|copy|return|summari[sz]e"
    "|what are|what is|what were|whats)"
)
# Secrets nobody asks a dive assistant about for an innocent reason.
_STRONG_SECRETS = (
    "(?:api ?keys?|secret (?:keys?|tokens?)|access tokens?|auth tokens?|credentials"
    "|env(?:ironment)? vars?"
    "|env(?:ironment)? variables?|database (?:password|credentials|url|connection)"
    "|connection strings?|private keys?)"
)
_SECRETS = _alt(
    _STRONG_SECRETS,
    "bearer tokens?|tokens?|passwords?|env file|dotenv|env|config(?:uration)?(?: file)?|settings",
    "secrets?|ssh keys?|source code|(?:gemini|openai|google|llm) (?:api )?key",
)

_INJECTION = [
    # Overriding the instructions. "Ignore the previous question" and "forget
    # Tioman" are not this: only instruction-like nouns count.
    "(?:ignore|disregard|forget|override|bypass|discard|abandon|drop|delete|erase|neglect"
    f"|set aside) (?:\\w+ ){{0,4}}{_INSTRUCTION_NOUNS}",
    "forget everything (?:you|that you|above|before|we|i told you)",
    "forget (?:all )?(?:that )?you (?:were|are|have been) (?:told|taught|trained|programmed)",
    "(?:new|updated|real|actual|secret|hidden) instructions",
    "(?:system|initial|hidden|original|secret|pre|base|internal|developer) ?"
    "(?:prompt|message|instructions)",
    # Extracting instructions or secrets. "Tell me the rules of the marine
    # park" is a diving question: the assistant's own rules need "your".
    f"{_REVEAL_VERBS} (?:me |us )?(?:\\w+ ){{0,6}}(?:your|its|dovvybuddys|dovvybuddy s) "
    f"(?:\\w+ )?{_alt(_INSTRUCTION_NOUNS, _SECRETS)}",
    # Anyone's secrets count when they are the kind only a server holds; "what
    # is the wifi password at the resort?" is a travel question.
    f"{_REVEAL_VERBS} (?:me |us )?(?:the |your |all )?(?:\\w+ ){{0,5}}"
    f"(?:{_STRONG_SECRETS}|secrets|source code)",
    # Asking for the instructions word for word, e.g. by completing a quote.
    f"(?:exactly|verbatim|word for word|literally) (?:\\w+ ){{0,3}}(?:your|the system)"
    f" (?:\\w+ )?{_INSTRUCTION_NOUNS}",
    "(?:print|dump|cat|echo) (?:the |your |all )?(?:env|environment|dotenv|env file)",
    f"(?:what|which) (?:\\w+ ){{0,2}}{_STRONG_SECRETS} (?:\\w+ ){{0,3}}(?:you|your)",
    # Not "your instructions" or "your database" alone: "I followed your
    # instructions", "is Redang in your database?".
    f"your (?:{_STRONG_SECRETS}|passwords?|system prompt|initial prompt|configuration|backend"
    "|endpoints)",
    "(?:does|do|did) (?:your|the) (?:backend|server|database|api|app|system|bot) use",
    "(?:tools|endpoints|functions|plugins|apis|urls|webhooks) (?:\\w+ ){0,3}"
    "(?:configured|available|registered|connected|set up) (?:for|to) you",
    "context window|(?:before|above) (?:my|this) (?:first )?message",
    "(?:print|show|repeat|output|display|write) (?:me )?(?:\\w+ ){0,2}"
    "(?:above|before this|preceding)",
    "(?:text|words|everything|messages?) (?:above|before) (?:this|here)",
    "what (?:were|are) you (?:told|instructed|programmed|trained)",
    "how (?:were|are) you (?:programmed|instructed|configured|prompted)",
    # "Ignore the above"; not "ignore the above question".
    "(?:ignore|disregard|forget|skip) (?:all |everything |anything )?(?:of )?"
    "(?:the |that |what s |what is )?(?:text |stuff |things |said |written )?"
    "above(?! (?:question|message|site|sites|dive|answer))",
    # Proof-of-takeover strings and jailbreak talk.
    "pwned|pwnd|jailbr(?:eak|eaking|oken)|(?:i|you) (?:have been|ve been|got|are) (?:hacked|owned)",
    # Changing the assistant's role.
    "(?:new|different|change your|switch your|your real) (?:role|persona|identity|character|job)"
    "(?! (?:at|in|as a dive|as an instructor))",
    "you are now|you are no longer|stop being|you will now (?:be|act|play|respond|answer|pretend)",
    "from now on (?:you|respond|answer|reply|act|speak|talk|only|always|ignore|behave)",
    "(?:pretend|imagine) (?:to be|you are|that you are|youre|to have no)",
    "(?:act as|become|be|pretend to be) (?:siri|alexa|cortana|google assistant|chatgpt|gemini)",
    "act as (?:\\w+ ){1,3}(?:from now on|instead)",
    "act (?:as|like) (?:a |an |if you were |if you are )?(?:\\w+ )?(?:dan|chatgpt|gpt|gpt ?\\d"
    "|ai|assistant|chatbot|bot|model|llm|language model|system|admin|administrator|root|terminal"
    "|shell|gemini|claude|bard|copilot|hacker|developer|jailbreak|jailbroken)",
    "act as (?:my |an? )?(?:unrestricted|unfiltered|uncensored|evil|different|another|new)",
    "(?:role ?play|play the role|take on the role|assume the role)(?: as| of)?",
    "simulate (?:being|a|an)|stay in character",
    # DAN is also Divers Alert Network: only the jailbreak wording counts.
    "(?:you are|youre|act as|become|be|as|enable|activate|switch to|enter) dan|dan mode",
    "do anything now|jailbr(?:eak|eaks|oken|eaking)|sudo",
    "(?:developer|dev|debug|god|admin|sudo|root|maintenance|unrestricted|unfiltered|uncensored"
    "|jailbreak|evil|opposite) mode",
    "unrestricted|unfiltered|uncensored",
    "(?:no|without) (?:any )?(?:restrictions|filters|censorship|guardrails|safety rules"
    "|safety filters|content policy)",
    "(?:bypass|disable|turn off|remove|switch off|deactivate) (?:your |the |all |any )?(?:\\w+ )?"
    "(?:filters?|safety|guardrails|restrictions|rules|moderation|censorship|limits)",
    "(?:system|admin|administrator|developer) override|override (?:code|mode|protocol)",
    "(?:i am|i m|as) (?:your|the|a) (?:developer|admin|administrator|creator|owner|programmer"
    "|maker|operator|dev)",
    "(?:openai|anthropic|google|rasa) (?:staff|employee|team|engineer)",
    # Malay / Indonesian.
    "(?:abaikan|lupakan|lupa|abaikanlah|jangan ikut) (?:\\w+ ){0,3}"
    "(?:arahan|instruksi|perintah|peraturan|peranan|tugas)",
    "(?:arahan|prompt|gesaan|instruksi|mesej) sistem|kunci api",
    "(?:tunjukkan|dedahkan|paparkan|berikan|beri|tunjuk|bocorkan) (?:\\w+ ){0,3}"
    "(?:arahan|prompt|kunci api|kata laluan|rahsia|konfigurasi)",
    "(?:sekarang anda|anda sekarang|kini anda|anda kini)|tanpa (?:sekatan|had|batasan|tapisan)",
    # Spanish.
    "(?:ignora|ignorar|olvida|olvidate|olvide|omite|descarta|ignore) (?:\\w+ ){0,3}"
    "(?:instrucciones|reglas|indicaciones|ordenes)",
    "(?:prompt|mensaje|instrucciones) del sistema|ahora eres|actua como|finge (?:ser|que eres)",
    "(?:muestra|muestrame|revela|revelame|dime|imprime|ensename) (?:\\w+ ){0,3}"
    "(?:instrucciones|prompt|clave|contrasena|configuracion|credenciales)",
    # French.
    "(?:ignore|ignorez|oublie|oubliez|ignorer|oublier) (?:\\w+ ){0,3}"
    "(?:instructions|consignes|regles|directives)",
    "(?:prompt|invite|message|instructions) (?:du )?systeme",
    "(?:montre|montrez|revele|revelez|affiche|affichez|donne|donnez|dis) (?:moi )?(?:\\w+ ){0,3}"
    "(?:instructions|prompt|consignes|cle|mot de passe|configuration)",
    "(?:tu es|vous etes) maintenant|fais semblant|agis comme",
    # German and Russian.
    "(?:ignoriere|ignorier|vergiss|vergesse) (?:\\w+ ){0,3}(?:anweisungen|regeln|vorgaben)",
    "systemprompt|du bist jetzt",
    "(?:игнорируй|проигнорируй|забудь) (?:\\w+ ){0,3}(?:инструкции|правила|указания)",
    "системн\\w+ (?:промпт|подсказк\\w+|инструкци\\w+)",
]

# Chinese, Japanese and Korean injection phrases, matched anywhere.
_INJECTION_CJK = WORDS["injection_cjk"]

# Chat-template markers pasted in to fake a system turn. Checked on the raw
# text, as normalisation removes the punctuation they are made of.
_TEMPLATE_MARKERS = re.compile(
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?inst\]|<</?sys>>|\[system\]|</?system>"
    r"|^\s*#{2,}\s*(?:system|instruction)",
    re.IGNORECASE | re.MULTILINE,
)

# --------------------------------------------------------------------------- #
# Compiled patterns (once, at import)
# --------------------------------------------------------------------------- #

_URGENT_RE = _words(_URGENT_CALLS)
_CRITICAL_RE = _words(_CRITICAL + _CRITICAL_OTHER_LANGUAGES)
_CRITICAL_CJK_RE = re.compile(_alt(*_CRITICAL_CJK))
_SERIOUS_SYMPTOMS_RE = _words(_SERIOUS_SYMPTOMS)
_INCIDENTS_RE = _words(_INCIDENTS)
_AFTER_DIVE_SYMPTOMS_RE = _words(_AFTER_DIVE_SYMPTOMS)
_AFTER_DIVE_RE = _words(_AFTER_DIVE_CONTEXT)
_STRONG_NOW_RE = _words(_STRONG_NOW_CONTEXT)
_NOW_RE = _words(_NOW_CONTEXT)
_SPECIFIC_NOW_RE = _words(_SPECIFIC_NOW_CONTEXT)
_HABITUAL_RE = _words(_HABITUAL)
_GENERAL_QUESTION_RE = _words(_GENERAL_QUESTION)
_TRAINING_RE = _words(_TRAINING)
_HISTORY_RE = _words(_HISTORY)
_MEDICAL_RE = _words(_MEDICAL_TERMS)
_MEDICAL_IF_ASKED_RE = _words(_MEDICAL_IF_ASKED)
_DIVING_INJURY_RE = _words(_DIVING_INJURY_TERMS)
_ELIGIBILITY_RE = _words(_ELIGIBILITY)
_QUANTITY_RES = {
    kind: re.compile(r"(?<!\w)" + pattern + r"(?![a-z0-9])")
    for kind, pattern in _QUANTITIES.items()
}
_PLAN_TERMS_RE = _words(_PLAN_TERMS)
_COMPUTE_RE = _words(_COMPUTE)
_QUESTION_RE = _words(_QUESTION)
_INJECTION_RE = _words(_INJECTION)
_INJECTION_CJK_RE = re.compile(_alt(*_INJECTION_CJK))

# Shouting for help ("HELP", "helpppp", "help!!") is urgent on its own, while
# "can you help me plan a trip?" is not. Checked on the raw text.
_SHOUTED_HELP = re.compile(r"\bHELP\b|(?i:\bh+e+l+p+\b(?<!\bhelp)|\bhelp\s*!{2,})")
