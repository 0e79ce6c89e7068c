"""Every fact of the seed stays in the course, in every language, where content/REVIEW.md says.

The seed is the account of Dianova's social-media training (../shared/seed/). Each fact below names
the place that teaches it (the course description or a lesson key, the same in every language) and a
few distinctive words per language that must occur there: names, dates, platforms and the key
phrases of our own wording. Deleting or garbling a fact in one language makes this test fail.
content/REVIEW.md lists the same facts, by id, with a quote of the French and English wording.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from courses import content

COURSE_DIR = content.CONTENT_ROOT / "social-media"
VERSIONS = {data["language"]: data for data in content.read_course_dir(COURSE_DIR)}
LANGUAGES = ("fr", "en", "es", "pt", "it")
REVIEW = Path(content.CONTENT_ROOT) / "REVIEW.md"


def normalise(text: str) -> str:
    """Lower case, one kind of apostrophe and space, no Markdown emphasis."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("*", "")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).casefold()


def places(data: dict) -> dict[str, str]:
    """The teaching text of one language version, by place: description, then lesson keys."""
    found = {"description": data["description"]}
    for module in data["modules"]:
        for lesson in module["lessons"]:
            found[lesson["key"]] = f"{lesson['title']}\n{lesson['body']}"
    return {key: normalise(text) for key, text in found.items()}


@dataclass(frozen=True)
class Fact:
    id: str
    where: str
    words: dict[str, tuple[str, ...]]


FACTS = [
    Fact(
        "S01-trainer",
        "description",
        {
            "fr": ("Rui Martins", "animait cette journée"),
            "en": ("Rui Martins", "day was led by"),
            "es": ("Rui Martins", "estuvo a cargo de"),
            "pt": ("Rui Martins", "Quem orientou esse dia"),
            "it": ("Rui Martins", "A condurre la giornata"),
        },
    ),
    Fact(
        "S02-role",
        "description",
        {
            "fr": ("directeur des communications de Dianova Portugal",),
            "en": ("communications director of Dianova Portugal",),
            "es": ("director de comunicación de Dianova Portugal",),
            "pt": ("diretor de comunicação da Dianova Portugal",),
            "it": ("direttore della comunicazione di Dianova Portugal",),
        },
    ),
    Fact(
        "S03-themes",
        "description",
        {
            "fr": (
                "leur histoire",
                "au service de sa mission",
                "storytelling",
                "communautés de sympathisants",
                "ambassadeur numérique",
            ),
            "en": (
                "their history",
                "serve its mission",
                "storytelling",
                "communities of supporters",
                "digital ambassador",
            ),
            "es": (
                "su historia",
                "al servicio de su misión",
                "storytelling",
                "comunidades de simpatizantes",
                "embajador digital",
            ),
            "pt": (
                "a sua história",
                "ao serviço da sua missão",
                "storytelling",
                "comunidades de apoiantes",
                "embaixador digital",
            ),
            "it": (
                "la loro storia",
                "al servizio della propria missione",
                "storytelling",
                "comunità di sostenitori",
                "ambasciatore digitale",
            ),
        },
    ),
    Fact(
        "S04-event",
        "description",
        {
            "fr": ("chaque année", "Rencontres internationales"),
            "en": ("Every year", "International Meetings"),
            "es": ("Cada año", "Encuentros Internacionales"),
            "pt": ("todos os anos", "Encontros Internacionais"),
            "it": ("Ogni anno", "Incontri internazionali"),
        },
    ),
    Fact(
        "S05-dates",
        "description",
        {
            "fr": ("du 12 au 15 juin",),
            "en": ("from 12 to 15 June",),
            "es": ("del 12 al 15 de junio",),
            "pt": ("de 12 a 15 de junho",),
            "it": ("dal 12 al 15 giugno",),
        },
    ),
    Fact(
        "S06-one-day-training",
        "description",
        {
            "fr": ("représentants des organisations membres", "journée entière de formation"),
            "en": ("representatives of the network's member organisations", "full day of training"),
            "es": ("representantes de las organizaciones miembro", "jornada completa de formación"),
            "pt": ("representantes das organizações membros", "dia inteiro de formação"),
            "it": ("rappresentanti delle organizzazioni", "intera giornata di formazione"),
        },
    ),
    Fact(
        "S07-purpose",
        "description",
        {
            "fr": ("mieux comprendre", "communication de Dianova"),
            "en": ("understand better", "Dianova's communication"),
            "es": ("comprender mejor", "comunicación de Dianova"),
            "pt": ("compreender melhor", "comunicação da Dianova"),
            "it": ("capire meglio", "comunicazione di Dianova"),
        },
    ),
    Fact(
        "S08-seminar",
        "description",
        {
            "fr": ("« Gestion et Développement »",),
            "en": ('"Management and Development"',),
            "es": ("«Gestión y Desarrollo»",),
            "pt": ("«Gestão e Desenvolvimento»",),
            "it": ("«Gestione e Sviluppo»",),
        },
    ),
    Fact(
        "S09-general-assembly",
        "description",
        {
            "fr": ("assemblée générale des délégués",),
            "en": ("general assembly of Dianova's delegates",),
            "es": ("asamblea general de delegados",),
            "pt": ("assembleia geral de delegados",),
            "it": ("assemblea generale dei delegati",),
        },
    ),
    Fact(
        "S10-assembly-role",
        "description",
        {
            "fr": (
                "organe de direction",
                "états financiers",
                "stratégie globale de Dianova International",
            ),
            "en": (
                "governing body",
                "financial statements",
                "overall strategy of Dianova International",
            ),
            "es": (
                "órgano de gobierno",
                "estados financieros",
                "estrategia global de Dianova International",
            ),
            "pt": (
                "órgão de direção",
                "demonstrações financeiras",
                "estratégia global da Dianova International",
            ),
            "it": ("organo direttivo", "bilanci", "strategia globale di Dianova International"),
        },
    ),
    Fact(
        "S11-medium",
        "m1-l1",
        {
            "fr": (
                "outil de communication",
                "nouvelles",
                "divertissement",
                "messages promotionnels",
            ),
            "en": ("communication tool", "news", "entertainment", "promotional messages"),
            "es": (
                "herramienta de comunicación",
                "noticias",
                "entretenimiento",
                "mensajes promocionales",
            ),
            "pt": ("ferramenta", "notícias", "entretenimento", "mensagens promocionais"),
            "it": (
                "strumento di comunicazione",
                "notizie",
                "intrattenimento",
                "messaggi promozionali",
            ),
        },
    ),
    Fact(
        "S12-traditional-instruments",
        "m1-l1",
        {
            "fr": ("télévision, la radio et la presse écrite", "jusqu'à un certain point"),
            "en": ("television, radio and the printed press", "up to a point, the internet"),
            "es": ("televisión, la radio y la prensa escrita", "hasta cierto punto, internet"),
            "pt": ("televisão, a rádio e a imprensa escrita", "até certo ponto, a internet"),
            "it": ("televisione, la radio e la carta stampata", "fino a un certo punto"),
        },
    ),
    Fact(
        "S13-social-tools",
        "m1-l1",
        {
            "fr": ("outils de communication sociaux", "contrairement aux médias traditionnels"),
            "en": ("social communication tools", "unlike traditional media"),
            "es": (
                "herramientas de comunicación sociales",
                "a diferencia de los medios tradicionales",
            ),
            "pt": ("ferramentas de comunicação sociais", "ao contrário dos media tradicionais"),
            "it": ("strumenti di comunicazione sociali", "a differenza dei media tradizionali"),
        },
    ),
    Fact(
        "S14-one-way-street",
        "m1-l1",
        {
            "fr": ("rue à sens unique", "reportage", "par la poste au rédacteur en chef"),
            "en": ("one-way street", "report", "letter to the editor"),
            "es": ("calle de sentido único", "reportaje", "carta al director"),
            "pt": ("rua de sentido único", "reportagem", "pelo correio ao diretor do jornal"),
            "it": ("strada a senso unico", "servizio", "per posta al direttore del giornale"),
        },
    ),
    Fact(
        "S15-two-way-street",
        "m1-l1",
        {
            "fr": (
                "rue à double sens",
                "informations complémentaires",
                "lecteurs, auditeurs et spectateurs",
            ),
            "en": ("two-way street", "add further information", "readers, listeners and viewers"),
            "es": (
                "calle de doble sentido",
                "información complementaria",
                "lectores, oyentes y espectadores",
            ),
            "pt": (
                "rua de dois sentidos",
                "acrescentar informação",
                "leitores, ouvintes e espectadores",
            ),
            "it": (
                "strada a doppio senso",
                "aggiungere informazioni",
                "lettori, ascoltatori e spettatori",
            ),
        },
    ),
    Fact(
        "S16-kaplan-haenlein",
        "m1-l2",
        {
            "fr": (
                "Kaplan",
                "Haenlein",
                "2010",
                "Web 2.0",
                "contenus générés par les utilisateurs",
            ),
            "en": ("Kaplan", "Haenlein", "2010", "Web 2.0", "user-generated content"),
            "es": (
                "Kaplan",
                "Haenlein",
                "2010",
                "Web 2.0",
                "contenidos generados por los usuarios",
            ),
            "pt": ("Kaplan", "Haenlein", "2010", "Web 2.0", "conteúdos gerados pelos utilizadores"),
            "it": ("Kaplan", "Haenlein", "2010", "Web 2.0", "contenuti generati dagli utenti"),
        },
    ),
    Fact(
        "S17-umbrella-term",
        "m1-l2",
        {
            "fr": (
                "terme générique",
                "interagir avec le site lui-même et avec les autres visiteurs",
            ),
            "en": ("generic term", "interact with the site itself and with other visitors"),
            "es": ("término genérico", "interactuar con el propio sitio"),
            "pt": ("termo genérico", "interagir com o próprio site e com os outros visitantes"),
            "it": ("termine generico", "interagire con il sito stesso e con gli altri visitatori"),
        },
    ),
    Fact(
        "S18-content-communities",
        "m1-l3",
        {
            "fr": ("communautés de contenus", "YouTube, Flickr"),
            "en": ("content communities", "YouTube, Flickr"),
            "es": ("comunidades de contenidos", "YouTube, Flickr"),
            "pt": ("comunidades de conteúdos", "YouTube, Flickr"),
            "it": ("comunità di contenuti", "YouTube, Flickr"),
        },
    ),
    Fact(
        "S19-social-networks",
        "m1-l3",
        {
            "fr": ("réseaux sociaux", "LinkedIn, Facebook"),
            "en": ("social networks", "LinkedIn, Facebook"),
            "es": ("redes sociales", "LinkedIn, Facebook"),
            "pt": ("redes sociais", "LinkedIn, Facebook"),
            "it": ("social network", "LinkedIn, Facebook"),
        },
    ),
    Fact(
        "S20-collaborative-projects",
        "m1-l3",
        {
            "fr": ("projets collaboratifs", "Wikipédia"),
            "en": ("collaborative projects", "Wikipedia"),
            "es": ("proyectos colaborativos", "Wikipedia"),
            "pt": ("projetos colaborativos", "Wikipédia"),
            "it": ("progetti collaborativi", "Wikipedia"),
        },
    ),
    Fact(
        "S21-virtual-worlds",
        "m1-l3",
        {
            "fr": ("mondes virtuels", "Second Life"),
            "en": ("virtual worlds", "Second Life"),
            "es": ("mundos virtuales", "Second Life"),
            "pt": ("mundos virtuais", "Second Life"),
            "it": ("mondi virtuali", "Second Life"),
        },
    ),
    Fact(
        "S22-game-worlds",
        "m1-l3",
        {
            "fr": ("mondes de jeu", "World of Warcraft"),
            "en": ("game worlds", "World of Warcraft"),
            "es": ("mundos de juego", "World of Warcraft"),
            "pt": ("mundos de jogo", "World of Warcraft"),
            "it": ("mondi di gioco", "World of Warcraft"),
        },
    ),
    Fact(
        "S23-blurring-borders",
        "m1-l3",
        {
            "fr": ("frontières de plus en plus floues",),
            "en": ("increasingly blurred boundaries",),
            "es": ("fronteras cada vez más difusas",),
            "pt": ("fronteiras cada vez mais difusas",),
            "it": ("confini sempre più sfumati",),
        },
    ),
    Fact(
        "S24-media-vs-networks",
        "m1-l3",
        {
            "fr": ("outils", "activités, les pratiques et les comportements"),
            "en": ("tools", "activities, practices and behaviour"),
            "es": ("herramientas", "actividades, las prácticas y los comportamientos"),
            "pt": ("ferramentas", "atividades, as práticas e os comportamentos"),
            "it": ("strumenti", "attività, le pratiche e i comportamenti"),
        },
    ),
    Fact(
        "S25-global-phenomenon-fun",
        "m2-l2",
        {
            "fr": (
                "phénomène mondial",
                "place centrale",
                "s'y amusent",
                "ils en retirent beaucoup",
            ),
            "en": (
                "global phenomenon",
                "at the centre",
                "enjoy themselves",
                "get a great deal out of it",
            ),
            "es": ("fenómeno mundial", "lugar central", "se divierte", "obtiene mucho"),
            "pt": ("fenómeno mundial", "lugar central", "divertem-se", "muito proveito"),
            "it": ("fenomeno mondiale", "posto centrale", "si divertono", "ne ricavano molto"),
        },
    ),
    Fact(
        "S26-puppy-and-syria",
        "m2-l2",
        {
            "fr": ("anniversaire de son petit chien", "guerre en Syrie"),
            "en": ("puppy's birthday", "war in Syria"),
            "es": ("cumpleaños de tu perrito", "guerra en Siria"),
            "pt": ("aniversário do cãozinho", "guerra na Síria"),
            "it": ("compleanno del proprio cagnolino", "guerra in Siria"),
        },
    ),
    Fact(
        "S27-share-likes-dislikes",
        "m2-l2",
        {
            "fr": (
                "monde entier",
                "« j'aime »",
                "« je n'aime pas »",
                "ce que les autres en pensent",
            ),
            "en": ("whole world", '"likes"', '"dislikes"', "what other people think"),
            "es": ("mundo entero", "«me gusta»", "«no me gusta»", "lo que opinan los demás"),
            "pt": ("mundo inteiro", "«gosto»", "«não gosto»", "o que os outros pensam"),
            "it": ("mondo intero", "«mi piace»", "«non mi piace»", "che cosa ne pensano gli altri"),
        },
    ),
    Fact(
        "S28-communities",
        "m2-l2",
        {
            "fr": ("une communauté, ou plusieurs",),
            "en": ("a community, or several",),
            "es": ("una comunidad, o a varias",),
            "pt": ("uma comunidade, ou a várias",),
            "it": ("una comunità, o in più d'una",),
        },
    ),
    Fact(
        "S29-friends-classmates-love",
        "m2-l2",
        {
            "fr": ("amis", "camarades de classe", "l'amour de leur vie"),
            "en": ("friends", "old classmates", "love of their life"),
            "es": ("amistades", "compañeros de clase", "amor de su vida"),
            "pt": ("amigos", "colegas de escola", "amor da sua vida"),
            "it": ("amici", "compagni di scuola", "amore della propria vita"),
        },
    ),
    Fact(
        "S30-engagement",
        "m2-l3",
        {
            "fr": (
                "n'ont jamais su donner",
                "s'engager soi-même et d'entraîner d'autres personnes",
            ),
            "en": (
                "never been able to give",
                "get involved, and to get the people around them involved",
            ),
            "es": ("nunca supieron dar", "implicarse, y de implicar a otras personas"),
            "pt": ("nunca souberam dar", "se envolver e de envolver outras pessoas"),
            "it": ("non hanno mai saputo dare", "impegnarsi, e di coinvolgere altre persone"),
        },
    ),
    Fact(
        "S31-business-and-ngos",
        "m3-l1",
        {
            "fr": ("populaires parce que les gens s'y amusent", "entreprises et les ONG"),
            "en": ("popular because people have fun", "businesses and NGOs"),
            "es": ("populares porque la gente se divierte", "empresas y las ONG"),
            "pt": ("populares porque as pessoas se divertem", "empresas e as ONG"),
            "it": ("popolari perché le persone ci si divertono", "aziende e ONG"),
        },
    ),
    Fact(
        "S32-marketing-techniques",
        "m3-l1",
        {
            "fr": ("techniques de marketing", "vendre des produits", "faire passer des messages"),
            "en": ("marketing techniques", "sell products", "get messages across"),
            "es": ("técnicas de marketing", "vender productos", "transmitir mensajes"),
            "pt": ("técnicas de marketing", "vender produtos", "fazer passar mensagens"),
            "it": ("tecniche di marketing", "vendere prodotti", "far passare dei messaggi"),
        },
    ),
    Fact(
        "S33-overt-advertising-backfires",
        "m3-l1",
        {
            "fr": ("marketing traditionnel", "trop visible", "l'effet inverse", "se détourne"),
            "en": (
                "traditional marketing",
                "too obvious",
                "opposite of the intended effect",
                "turns away",
            ),
            "es": ("marketing tradicional", "demasiado evidente", "efecto contrario", "se aleja"),
            "pt": ("marketing tradicional", "demasiado visível", "efeito contrário", "afasta-se"),
            "it": (
                "marketing tradizionale",
                "troppo visibile",
                "effetto contrario",
                "si allontana",
            ),
        },
    ),
    Fact(
        "S34-ngos-and-dianova-network",
        "m3-l1",
        {
            "fr": ("Rui Martins", "l'ensemble des ONG", "réseau Dianova"),
            "en": ("Rui Martins", "all NGOs", "Dianova network"),
            "es": ("Rui Martins", "todas las ONG", "Red Dianova"),
            "pt": ("Rui Martins", "todas as ONG", "rede Dianova"),
            "it": ("Rui Martins", "tutte le ONG", "rete Dianova"),
        },
    ),
    Fact(
        "S35-impact-reach-messages",
        "m3-l1",
        {
            "fr": ("créer un impact", "toucher davantage de personnes", "messages essentiels"),
            "en": ("create an impact", "reach more people", "essential messages"),
            "es": ("generar impacto", "llegar a más personas", "mensajes esenciales"),
            "pt": ("criar impacto", "chegar a mais pessoas", "mensagens essenciais"),
            "it": ("creare un impatto", "raggiungere più persone", "messaggi essenziali"),
        },
    ),
    Fact(
        "S36-knowledge-safe-habits",
        "m6-l1",
        {
            "fr": ("transmettre des connaissances", "en toute sécurité", "bonnes habitudes"),
            "en": ("pass on knowledge", "safely", "good habits"),
            "es": ("transmitir conocimientos", "con total seguridad", "buenos hábitos"),
            "pt": ("transmitir conhecimentos", "com toda a segurança", "bons hábitos"),
            "it": ("trasmettere conoscenze", "in tutta sicurezza", "buone abitudini"),
        },
    ),
    Fact(
        "S37-daily-activity",
        "m6-l1",
        {
            "fr": ("activité de tous les jours", "chaque collaborateur"),
            "en": ("everyday activity", "every member of staff"),
            "es": ("actividad cotidiana", "cada integrante"),
            "pt": ("atividade de todos os dias", "cada colaborador"),
            "it": ("attività di tutti i giorni", "ogni collaboratore"),
        },
    ),
    Fact(
        "S38-goodwill-digital-ambassador",
        "m6-l1",
        {
            "fr": ("bonne volonté", "« ambassadeur numérique »"),
            "en": ("goodwill ambassador", '"digital ambassador"'),
            "es": ("buena voluntad", "«embajador digital»"),
            "pt": ("boa vontade", "«embaixador digital»"),
            "it": ("buona volontà", "«ambasciatore digitale»"),
        },
    ),
]


def test_every_fact_has_words_for_every_language_and_a_real_place():
    assert len({fact.id for fact in FACTS}) == len(FACTS)
    for fact in FACTS:
        assert set(fact.words) == set(LANGUAGES), fact.id
        assert all(fact.words[language] for language in LANGUAGES), fact.id
        assert fact.where in places(VERSIONS["fr"]), fact.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_seed_fact_is_taught_in_the_language(language):
    text = places(VERSIONS[language])
    missing = [
        f"{fact.id} in {fact.where}: {word!r}"
        for fact in FACTS
        for word in fact.words[language]
        if normalise(word) not in text[fact.where]
    ]
    assert not missing, "\n".join(missing)


def review_rows() -> dict[str, list[str]]:
    """The seed table of content/REVIEW.md: id, fact, where, French quote, English quote."""
    rows = {}
    for line in REVIEW.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `S"):
            cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split(" | ")]
            rows[cells[0]] = cells
    return rows


def test_review_lists_every_seed_fact_with_our_own_wording():
    rows = review_rows()
    assert sorted(rows) == sorted(fact.id for fact in FACTS)
    wrong = []
    for fact in FACTS:
        _id, _fact, where, *quotes = rows[fact.id]
        assert where == fact.where, fact.id
        for language, quote in zip(("fr", "en"), quotes, strict=True):
            text = places(VERSIONS[language])[where]
            for fragment in quote.split("…"):
                if fragment.strip() and normalise(fragment.strip()) not in text:
                    wrong.append(f"{fact.id} [{language}]: {fragment.strip()!r}")
    assert not wrong, "\n".join(wrong)


def test_a_deleted_fact_is_noticed():
    """The check is not vacuous: removing Flickr from the French lesson breaks it."""
    text = places(VERSIONS["fr"])
    text["m1-l3"] = text["m1-l3"].replace("flickr", "")
    fact = next(f for f in FACTS if f.id == "S18-content-communities")
    assert any(normalise(word) not in text[fact.where] for word in fact.words["fr"])
