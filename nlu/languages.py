"""Messages in other languages: greetings, thanks and goodbyes, and everything else.

DovvyBuddy answers in English. Divers in Malaysia also write in Malay,
Indonesian, Chinese (characters or pinyin), Spanish, French, German and more.
Two questions are answered here, deterministically, so that they hold for any
wording the training data lacks:

- `social_intent`: is the whole message a greeting, a thank-you or a goodbye,
  in any of those languages (or English)? "selamat pagi", "buenas tardes",
  "xie xie", "tschüss", "terima kasih banyak kak". Then it is greeted, thanked
  or waved off like its English twin.
- `foreign_language`: is the message written in another language? Judged by
  script (a message mostly in Chinese, Thai, Arabic... characters) or by the
  function words of a language ("berapa", "saya", "quiero", "je voudrais",
  "ich möchte", "wo xiang") outnumbering English ones. Place names and diving
  words count for neither side, so "dive Pulau Tioman" stays English.

Standard library only: imported inside the Rasa server.
"""

from __future__ import annotations

import re
import unicodedata

# Whole-message social phrases, lower case, accents removed. English is
# included so that "hi hola" or "thanks, gracias" is read as one phrase.
_GREETINGS = (
    # English.
    "hi|hello|hey|heya|hiya|howdy|yo|hallo|helo|hellooo|heyy|heyyy|hii|hiii|morning|evening"
    "|good morning|good afternoon|good evening|good day|gm|greetings",
    # Malay and Indonesian.
    "selamat pagi|selamat tengahari|selamat siang|selamat petang|selamat sore|selamat malam"
    "|selamat datang|salam|salam sejahtera|apa khabar|apa kabar|assalamualaikum"
    "|assalamu alaikum|asalamualaikum|halo|hai|pagi|petang|malam|met pagi|oi",
    # Chinese (pinyin and characters), Cantonese.
    "ni hao|nihao|nin hao|ninhao|wei|wei ni hao|zao|zao an|zaoan|zao shang hao|wan shang hao"
    "|xia wu hao"
    "|nei ho|neih hou|lei ho|你好|您好|早上好|早安|下午好|晚上好|哈喽|嗨",
    # Spanish and Portuguese.
    "hola|buenos dias|buen dia|buenas|buenas tardes|buenas noches|que tal|ola|oi|bom dia"
    "|boa tarde|boa noite|saludos",
    # French.
    "bonjour|bonsoir|salut|coucou|allo",
    # German, Dutch, Italian.
    "guten morgen|guten tag|guten abend|moin|moin moin|servus|gruss gott|grussgott|gruezi"
    "|hoi|goedemorgen|goedendag|ciao|buongiorno|buonasera|salve",
    # Japanese, Korean, Thai, Tagalog (romanised and in script).
    "konnichiwa|konichiwa|ohayo|ohayou|ohayo gozaimasu|konbanwa|annyeong|annyeonghaseyo"
    "|sawasdee|sawadee|sawatdee|kamusta|kumusta|magandang umaga|こんにちは|안녕하세요|สวัสดี",
)
_THANKS = (
    "thanks|thank you|thx|ty|tq|tqvm|thank u|cheers|many thanks|thanks a lot|thankyou",
    "terima kasih|terimakasih|makasih|trima kasih|tq banyak|terima kasih banyak|makasih banyak",
    "xie xie|xiexie|xie xie ni|duo xie|谢谢|謝謝|多谢|唔该|m goi|mgoi|do je",
    "gracias|muchas gracias|mil gracias|obrigado|obrigada|muito obrigado",
    "merci|merci beaucoup|merci bien|mille mercis",
    "danke|danke schon|danke sehr|vielen dank|dankeschon|dank je|dank je wel|bedankt|grazie"
    "|grazie mille",
    "arigato|arigatou|arigato gozaimasu|domo arigato|kamsahamnida|gomawo|khop khun|salamat",
    "ありがとう|감사합니다|ขอบคุณ",
)
_GOODBYES = (
    "bye|goodbye|bye bye|see you|see ya|cya|later|ttyl|good night|gnight",
    "selamat tinggal|selamat jalan|jumpa lagi|sampai jumpa|jumpa nanti|bye dulu|dah dulu",
    "zai jian|zaijian|baibai|再见|拜拜",
    "adios|hasta luego|hasta pronto|hasta manana|chao|chau|tchau|ate logo",
    "au revoir|a bientot|a plus|bonne nuit|bonne journee",
    "tschuss|tschus|auf wiedersehen|bis bald|bis spater|gute nacht|arrivederci|doei",
    "sayonara|mata ne|annyeong",
)
# Words that may stand next to a social phrase without changing what it is:
# whom it is said to, and intensifiers.
_FILLER = set(
    (
        "dovvy dovvybuddy buddy bot there all everyone everybody guys team friend friends mate"
        " anyone anybody bro sis kak kakak abang bang bos boss cik encik tuan puan semua"
        " semuanya amigo amiga amigos chicos senor senora tout tous toutes le monde monsieur"
        " madame leute zusammen alle freund"
        " lah la ya yah ok okay oh and so much very a lot again too dear sir madam"
        " banyak sangat sekali ya nya le ne ma a ah yeah again for now now then"
        " 的 啊 呀 啦 哦"
    ).split()
)

_SOCIAL = [
    ("goodbye", _GOODBYES),
    ("thanks", _THANKS),
    ("greet", _GREETINGS),
]


def _phrase_set(groups: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {tuple(phrase.split()) for group in groups for phrase in group.split("|")}


_PHRASES = {intent: _phrase_set(groups) for intent, groups in _SOCIAL}
_LONGEST = max(len(p) for phrases in _PHRASES.values() for p in phrases)

# Function words: common in a language's sentences, rare in English ones.
# Words shared with English ("a", "me", "no", "son") are left out.
_FUNCTION_WORDS = {
    "Malay or Indonesian": (
        "saya aku awak anda kamu dia kami kita mereka ini itu yang dan atau dengan untuk"
        " dari kepada pada ke di dalam tidak tak bukan boleh bisa mau hendak ingin nak"
        " apa apakah berapa bagaimana macam mana bila kapan mengapa kenapa siapa adakah"
        " ada sudah belum akan sedang juga lagi sangat tolong terima kasih mahu perlu"
        " harga berenang menyelam selam kursus pelajari belajar tempat terbaik untuk"
        " bagus murah mahal hari esok minggu bulan tahun orang kali kalau jika tanda"
        " tanda-tanda gejala penyakit sakit cara caranya bila masa waktu selepas sebelum"
        " selama lepas kena perlu mesti macam mana kah ke je"
    ),
    "Spanish": (
        "el la los las un una unos unas que de del y o pero por para con sin es son"
        " esta estan estoy soy eres muy mas cuanto cuanta cuantos como donde cuando"
        " quiero quisiera puedo puede necesito hay tengo tienes buceo bucear curso"
        " mejor lugar gracias hola porque tambien aqui alli"
    ),
    "French": (
        "le la les un une des du de et ou mais pour avec sans est sont je tu il elle"
        " nous vous ils elles suis sommes etes tres plus combien comment ou quand"
        " pourquoi quel quelle voudrais veux peux puis faut cest qui que plongee"
        " plonger cours meilleur endroit merci aussi ici dans sur"
    ),
    "German": (
        "der die das den dem ein eine einen und oder aber fur mit ohne ist sind ich du"
        " er sie wir ihr bin bist sehr mehr wie wo wann warum welche welcher was kann"
        " konnen mochte will brauche gibt es tauchen tauchkurs tauchplatz kurs beste"
        " auch hier nicht kein keine auf zum zur wasser kalt gut noch viel wetter monat"
        " ja nein bitte danke schon sicher anfanger"
    ),
    "Italian": (
        "il lo gli una che di del della e ma per con senza sono sei siamo molto piu quanto"
        " quanta quanti costa come dove quando perche vorrei voglio posso corso immersione"
        " immersioni subacquea migliore posto grazie anche qui ci mi"
    ),
    "Portuguese": (
        "os um uma que do da dos das ou mas para com sem sou somos muito mais quanto"
        " quanta como onde quando porque quero posso curso mergulho mergulhar melhor lugar"
        " obrigado obrigada tambem aqui nao voce eu"
    ),
    "Chinese (pinyin)": (
        "wo ni ta women nimen shi de le ma ne ba zai you mei xiang yao neng keyi"
        " duoshao qian zenme shenme nali nar weishenme hen hao qianshui xue kecheng"
        " zuihao difang xiexie yige zhege nage jiage zhe zheli nali nage shui wen"
        " zenmeyang yang dou hai"
    ),
}
_ENGLISH_WORDS = set(
    (
        "i you he she it we they me my your our their the a an and or but for with"
        " without is are was were be been am do does did can could would should will"
        " how what where when why which who much many to of in on at from about this"
        " that there here not no yes please want like need dive diving diver course"
        " best good price cost learn swim get go have has any some im ive id ill dont cant"
        " scared afraid going"
        # Also words of other languages: they count as English, never as foreign.
        " die was will bin plus hay sin son con"
    ).split()
)
_FOREIGN_WORDS = {
    language: set(words.split()) - _ENGLISH_WORDS for language, words in _FUNCTION_WORDS.items()
}
# Letters of scripts other than Latin: a message mostly in them is foreign.
_LATIN = re.compile(r"[a-z]")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u0600-\u06ff\u0400-\u04ff]"
)


def _fold(text: str) -> str:
    """Lower case, Latin accents removed, apostrophes dropped."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    folded = "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f")
    return unicodedata.normalize("NFC", folded).replace("'", "").replace("\u2019", "")


def _tokens(text: str) -> list[str]:
    """Words of the message; runs of CJK characters are split into single characters."""
    tokens: list[str] = []
    for token in _TOKEN.findall(_fold(text)):
        if _CJK.search(token) and not _LATIN.search(token):
            tokens.extend(_split_cjk(token))
        else:
            tokens.append(_squeeze(token))
    return tokens


def _split_cjk(token: str) -> list[str]:
    """Greedy longest match against the social phrases written in script, else characters."""
    known = {p[0] for phrases in _PHRASES.values() for p in phrases if _CJK.search(p[0])}
    out, i = [], 0
    while i < len(token):
        for end in range(len(token), i, -1):
            if token[i:end] in known:
                out.append(token[i:end])
                i = end
                break
        else:
            out.append(token[i])
            i += 1
    return out


def _squeeze(token: str) -> str:
    """ "hiiii" -> "hii", "byeeee" -> "byee": long letter runs are typing, not spelling."""
    return re.sub(r"(.)\1{2,}", r"\1\1", token)


def social_intent(text: str) -> str | None:
    """`greet`, `thanks` or `goodbye` when the whole message is only that, else None."""
    tokens = _tokens(text)
    if not tokens or len(tokens) > 10:
        return None
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for length in range(min(_LONGEST, len(tokens) - i), 0, -1):
            chunk = tuple(tokens[i : i + length])
            intent = next((name for name, p in _PHRASES.items() if chunk in p), None)
            if intent:
                found.append(intent)
                i += length
                break
        else:
            if tokens[i] not in _FILLER:
                return None
            i += 1
    if not found:
        return None
    # "thanks, bye" is a goodbye; "hi, thanks" a thank-you.
    return next(name for name, _ in _SOCIAL if name in found)


def foreign_language(text: str) -> str | None:
    """The language a message is written in when it is not English, else None."""
    letters = [ch for ch in _fold(text) if ch.isalpha()]
    if not letters:
        return None
    if sum(bool(_CJK.match(ch)) for ch in letters) > len(letters) / 2:
        return "another script"
    tokens = _tokens(text)
    english = sum(token in _ENGLISH_WORDS for token in tokens)
    best, hits = None, 0
    for language, words in _FOREIGN_WORDS.items():
        count = sum(token in words for token in tokens)
        if count > hits:
            best, hits = language, count
    if hits >= 2 and hits > english and hits * 4 >= len(tokens):
        return best
    return None


NON_ENGLISH_INTENT = "non_english"
# Flows that need no English to work (the forms ask in English), and safety.
UNDERSTOOD_IN_ANY_LANGUAGE = (
    "request_training_lead",
    "request_trip_lead",
    "express_fear",
    "bot_challenge",
    "greet",
    "thanks",
    "goodbye",
    "affirm",
    "deny",
    "stop",
    "emergency",
    "medical_question",
    "dive_plan_request",
    "prompt_injection",
)
SOCIAL_INTENTS = ("greet", "thanks", "goodbye")
# "ribuan terima kasih": a short message the classifier calls a thank-you is one.
SHORT_SOCIAL_TOKENS = 3
# Below this, the classifier's reading of a foreign message is a guess.
CONFIDENT = 0.6
# `relabel`'s answer when the classifier's `non_english` guess is wrong.
NEXT_GUESS = "next guess"


def relabel(text: str, intent: str | None, confidence: float) -> str | None:
    """The intent a message should have instead of the classifier's, or None to keep it.

    A whole-message greeting, thanks or goodbye in any language gets that
    intent. A message in another language gets `non_english` unless the
    classifier confidently read it as a flow that works in any language.
    The classifier's `non_english` on an English message gives way to its
    next guess (`NEXT_GUESS`).
    """
    social = social_intent(text)
    if social:
        return None if social == intent else social
    if foreign_language(text):
        understood = intent in UNDERSTOOD_IN_ANY_LANGUAGE and confidence >= CONFIDENT
        # Greetings, thanks and goodbyes are whole-message phrases, found
        # above; a longer message the classifier calls one is a guess.
        if intent in SOCIAL_INTENTS and len(_tokens(text)) > SHORT_SOCIAL_TOKENS:
            understood = False
        if understood or intent == NON_ENGLISH_INTENT:
            return None
        return NON_ENGLISH_INTENT
    return NEXT_GUESS if intent == NON_ENGLISH_INTENT else None
