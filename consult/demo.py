"""Demo data: Vimmerby kommun's strategy and one realistic survey per target area."""

from sqlalchemy import select

from .extensions import db
from .models import Option, Question, QuestionKind, Round, RoundState, Strategy, Survey, TargetArea

MUNICIPALITY = "Vimmerby kommun"
GOAL = (
    "Skapa goda förutsättningar för att ständigt stärka Vimmerby kommuns attraktionskraft "
    "och tillväxt via ökad samverkan och långsiktig hållbar planering."
)
ROUND_TITLE = "Medborgardialog 2026"

AGE = dict(
    kind="single",
    key="age_band",
    background=True,
    text="Hur gammal är du?",
    options=["16–24 år", "25–34 år", "35–49 år", "50–64 år", "65–79 år", "80 år eller äldre"],
)
DISTRICT = dict(
    kind="single",
    key="district",
    background=True,
    text="Var i kommunen bor du?",
    options=[
        "Vimmerby tätort",
        "Södra Vi",
        "Storebro",
        "Gullringen",
        "Frödinge",
        "Tuna",
        "På landsbygden i övrigt",
        "Jag bor inte i kommunen",
    ],
)


def scale(text, key=None, low="Mycket dåligt", high="Mycket bra", **kw):
    return dict(kind="scale", text=text, key=key, scale=(1, 10, low, high), required=True, **kw)


def agree(text, key=None):
    return dict(kind="agree5", text=text, key=key, required=True)


SURVEYS = [
    dict(
        area=1,
        slug="livsmiljo",
        title="Att bo och leva i Vimmerby kommun",
        intro="Hur är det att bo här, och vad skulle göra kommunen till en ännu bättre plats att "
        "leva på? Enkäten tar ungefär fem minuter.",
        questions=[
            scale(
                "Hur ser du på din kommun som en plats att bo och leva på?",
                "place_to_live",
                "Inte alls nöjd",
                "I högsta grad nöjd",
            ),
            agree(
                "Jag känner mig trygg när jag går ute ensam på kvällen i mitt bostadsområde.",
                "safe_outdoors",
            ),
            agree("Det finns bostäder i kommunen som passar mina behov.", "housing_fits"),
            dict(
                kind="multi",
                max_choices=3,
                required=True,
                text="Vad är viktigast för att kommunen ska vara en attraktiv plats att bo på?",
                options=[
                    "Tillgång till bostäder",
                    "Närhet till natur",
                    "Trygghet",
                    "Bra förskolor och skolor",
                    "Kultur och fritid",
                    "Service och handel",
                    "Kollektivtrafik",
                    "Rena och välskötta offentliga miljöer",
                ],
            ),
            dict(
                kind="single",
                required=True,
                key="stay_five_years",
                text="Hur troligt är det att du bor kvar i kommunen om fem år?",
                options=[
                    "Mycket troligt",
                    "Ganska troligt",
                    "Ganska osannolikt",
                    "Mycket osannolikt",
                    "Vet inte",
                ],
            ),
            dict(kind="long_text", text="Vad skulle göra din närmiljö bättre?"),
            AGE,
            DISTRICT,
        ],
    ),
    dict(
        area=2,
        slug="arbete",
        title="Kompetens och arbete",
        intro="Om möjligheterna att hitta arbete, utbilda sig och utvecklas i arbetslivet här.",
        questions=[
            dict(
                kind="single",
                key="occupation",
                background=True,
                text="Vad är din huvudsakliga sysselsättning?",
                options=[
                    "Anställd",
                    "Egen företagare",
                    "Studerar",
                    "Arbetssökande",
                    "Pensionär",
                    "Annat",
                ],
            ),
            agree(
                "Det är lätt att hitta ett arbete i kommunen som matchar min utbildning.",
                "job_match",
            ),
            agree(
                "Det finns utbildningar nära mig som ger de kunskaper arbetslivet efterfrågar.",
                "education_nearby",
            ),
            scale(
                "Hur ser du på möjligheterna att få ett arbete inom rimligt avstånd från din "
                "bostad?",
                "job_access",
            ),
            dict(
                kind="multi",
                text="Vad skulle göra det lättare för dig att utvecklas i arbetslivet?",
                options=[
                    "Yrkesutbildning inom Komvux",
                    "Högskolekurser på distans",
                    "Praktik och lärlingsplatser",
                    "Bättre kollektivtrafik till arbetsplatser",
                    "Stöd för att starta eget",
                    "Undervisning i svenska",
                ],
            ),
            dict(
                kind="short_text",
                text="Vilka yrken tror du att kommunen kommer att behöva fler av?",
            ),
            AGE,
            DISTRICT,
        ],
    ),
    dict(
        area=3,
        slug="foretagande",
        title="Företagande på lika villkor",
        intro="Alla ska ha samma möjligheter att starta och driva företag, oavsett kön, bakgrund "
        "eller var i kommunen man bor.",
        questions=[
            dict(
                kind="single",
                key="runs_business",
                background=True,
                text="Driver du, eller har du drivit, ett företag?",
                options=[
                    "Ja, jag driver företag nu",
                    "Ja, tidigare",
                    "Nej, men jag funderar på det",
                    "Nej",
                ],
            ),
            scale("Vilket betyg ger du företagsklimatet i kommunen?", "business_climate"),
            agree(
                "Kvinnor och män har samma möjligheter att starta och driva företag här.",
                "equal_gender",
            ),
            agree(
                "Personer som är födda utomlands får samma stöd som andra när de vill starta "
                "företag.",
                "equal_origin",
            ),
            agree("Kommunens service till företag är lätt att nå och förstå.", "business_service"),
            dict(
                kind="multi",
                max_choices=2,
                required=True,
                text="Vad skulle betyda mest för att fler ska starta företag här?",
                options=[
                    "Rådgivning och mentorer",
                    "Lokaler till rimlig kostnad",
                    "Finansiering och startstöd",
                    "Snabbare besked om tillstånd",
                    "Nätverk med andra företagare",
                    "Bättre bredband",
                ],
            ),
            dict(
                kind="long_text",
                text="Har du förslag på hur kommunen kan främja företagande på lika villkor?",
            ),
            AGE,
            DISTRICT,
        ],
    ),
    dict(
        area=4,
        slug="fritid",
        title="Fritid och gemenskap",
        intro="Om idrott, kultur, friluftsliv och föreningsliv – och om alla känner sig välkomna.",
        questions=[
            scale(
                "Hur ser du på möjligheterna att utöva fritidsaktiviteter i kommunen?", "leisure"
            ),
            dict(
                kind="multi",
                required=True,
                text="Vad har du gjort på din fritid det senaste året?",
                options=[
                    "Idrott eller motion i en förening",
                    "Friluftsliv",
                    "Teater, musik eller konst",
                    "Besökt biblioteket",
                    "Studiecirkel",
                    "Ideellt arbete i en förening",
                    "Inget av detta",
                ],
            ),
            agree(
                "Det finns fritidsaktiviteter i kommunen för personer i min ålder.",
                "leisure_for_my_age",
            ),
            agree("Jag känner mig välkommen i föreningslivet.", "welcome_associations"),
            dict(
                kind="single",
                required=True,
                key="leisure_frequency",
                text="Hur ofta deltar du i en organiserad fritidsaktivitet?",
                options=[
                    "Varje vecka",
                    "Någon gång i månaden",
                    "Några gånger om året",
                    "Sällan eller aldrig",
                ],
            ),
            dict(kind="short_text", text="Vilken fritidsaktivitet saknar du i kommunen?"),
            AGE,
            DISTRICT,
        ],
    ),
    dict(
        area=5,
        slug="infrastruktur",
        title="Resor, vägar och bredband",
        intro="Om hur du tar dig till jobb, skola och service, och om uppkoppling där du bor.",
        questions=[
            dict(
                kind="single",
                required=True,
                key="main_travel_mode",
                text="Hur tar du dig oftast till arbete, skola eller service?",
                options=["Bil", "Buss eller tåg", "Cykel", "Till fots", "På annat sätt"],
            ),
            scale(
                "Hur nöjd är du med kollektivtrafiken i kommunen?",
                "public_transport",
                "Inte alls nöjd",
                "Mycket nöjd",
            ),
            agree(
                "Jag har tillgång till ett snabbt och stabilt bredband där jag bor.", "broadband"
            ),
            agree(
                "Gång- och cykelvägarna i kommunen är trygga och väl underhållna.",
                "walk_cycle_paths",
            ),
            scale(
                "Hur nöjd är du med vägarnas standard i kommunen?",
                "roads",
                "Inte alls nöjd",
                "Mycket nöjd",
            ),
            dict(
                kind="multi",
                max_choices=3,
                required=True,
                text="Vilka satsningar är viktigast de närmaste fem åren?",
                options=[
                    "Fler bussavgångar",
                    "Bättre tågförbindelser",
                    "Bredband på landsbygden",
                    "Fler gång- och cykelvägar",
                    "Laddplatser för elbilar",
                    "Bättre vinterväghållning",
                ],
            ),
            dict(
                kind="long_text",
                text="Finns det en plats där det är svårt eller otryggt att ta sig fram?",
                help="Beskriv gärna var platsen finns.",
            ),
            AGE,
            DISTRICT,
        ],
    ),
]

AREAS = [
    "Attraktiva och hållbara livsmiljöer",
    "Kompetens- och arbetsmarknadsförsörjning",
    "Främja företagsamhet på lika villkor",
    "Aktiv och meningsfull fritid i ett samhällsbyggande och inkluderande perspektiv",
    "Väl fungerande infrastruktur",
]


def seed_demo() -> list[Survey]:
    """Create what is missing of the demo; running it again changes nothing."""
    strategy = db.session.scalar(select(Strategy).where(Strategy.municipality == MUNICIPALITY))
    if strategy is None:
        strategy = Strategy(
            municipality=MUNICIPALITY,
            title="Social lokal utvecklingsstrategi",
            goal=GOAL,
            contact_email="kommunen@vimmerby.se",
        )
        db.session.add(strategy)
    areas = {area.position: area for area in strategy.target_areas}
    for position, name in enumerate(AREAS, 1):
        if position not in areas:
            areas[position] = TargetArea(strategy=strategy, position=position, name=name)
            db.session.add(areas[position])
    round_ = db.session.scalar(select(Round).where(Round.title == ROUND_TITLE))
    if round_ is None:
        round_ = Round(title=ROUND_TITLE, state=RoundState.OPEN)
        db.session.add(round_)
    surveys = []
    for position, spec in enumerate(SURVEYS):
        survey = db.session.scalar(select(Survey).where(Survey.slug == spec["slug"]))
        if survey is None:
            survey = _build_survey(spec, round_, areas[spec["area"]], position)
            db.session.add(survey)
        surveys.append(survey)
    db.session.flush()
    return surveys


def _build_survey(spec: dict, round_: Round, area: TargetArea, position: int) -> Survey:
    survey = Survey(
        round=round_,
        target_area=area,
        slug=spec["slug"],
        title=spec["title"],
        intro=spec["intro"],
        position=position,
    )
    survey.questions = [_build_question(q, n) for n, q in enumerate(spec["questions"], 1)]
    return survey


def _build_question(spec: dict, position: int) -> Question:
    low, high, low_label, high_label = spec.get("scale", (None, None, None, None))
    question = Question(
        position=position,
        kind=QuestionKind(spec["kind"]),
        text=spec["text"],
        help=spec.get("help", ""),
        required=spec.get("required", False),
        is_background=spec.get("background", False),
        key=spec.get("key"),
        max_choices=spec.get("max_choices"),
        scale_min=low,
        scale_max=high,
        min_label=low_label,
        max_label=high_label,
    )
    question.options = [
        Option(position=n, label=label) for n, label in enumerate(spec.get("options", []), 1)
    ]
    return question
