"""English story lines for the offline writer, by kind of story and beat.

A Line is one step of the story told in a few alternative wordings (longest first) plus what the
camera sees. Placeholders name the cast and the place; a wording whose placeholders the story
cannot fill is skipped, so lines about a second character vanish from a story that has none.

Hero: {P} {role} {a_role} {he} {him} {his} {himself}. Second character: {O} {o_role} {a_o}
{o_noun} {o_he} {o_him} {o_his} {o_intro}. Helper: {H} {h_role} {a_h}. Premise: {action}
{story_action} {flaw} {skill} {skill_s} {goal} {goal_the} {act_ing} {threat} {threat_the}.
Place: {setting_in} {landmark} {near} {far} {trouble} {dawn} {secret} {arrive}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One step of the story: alternative wordings, what is seen, and whether it may be dropped."""

    variants: tuple[str, ...]
    visual: str = ""
    essential: bool = False
    after_turn: bool = False  # only makes sense once the turn has happened


def L(*variants: str, v: str = "", e: bool = False, after_turn: bool = False) -> Line:
    """A Line, written compactly: L("wording", "shorter wording", v="visual", e=essential)."""
    return Line(variants, v, e, after_turn)


Arc = dict[str, list[Line]]

_OPENING_HOOK = L(
    "{setting_in}, {P} the {role} {story_action}.",
    "{P} the {role} {story_action}.",
    v="{P} in a quiet moment at {landmark}",
    e=True,
)

ARCS: dict[str, Arc] = {
    "friendship": {
        "hook": [
            L("{setting_in}, {P} the {role} lives a quiet, lonely life.",
              "This is {P}, {a_role} {setting_in}.",
              v="{P} alone at {landmark}, gazing into the distance", e=True),
            L("{P} has never had a real friend.", "Most days, {his} only company is the wind."),
        ],
        "development": [
            L("One evening, {a_o} {arrive} {near}. {o_intro}",
              "One evening, {a_o} {arrive}. {o_intro}",
              "One evening, {P} meets {O}, {a_o}.",
              v="{O} {arrive} {near} as {P} watches in wonder", e=True),
            L("At first, {O} is shy, but {P} is patient.", "At first, {O} keeps {o_his} distance.",
              v="{O} hesitating at a distance while {P} waits patiently", e=True),
            L("Night after night, {P} talks, and {O} listens.", "Day after day, they meet again.",
              v="{P} and {O} side by side {near}, deep in conversation"),
            L("Soon, {P} and {O} are the best of friends.", "Soon, they are the best of friends.",
              v="{P} and {O} laughing together {near}"),
            L("{O} shows {P} {secret}.", v="{O} leading {P} to {secret}"),
            L("{P} laughs more than {he} has in years.", v="close on {P} laughing, eyes bright"),
            L("Even {H}, {a_h}, stops by to say hello.", v="{H} greeting {P} and {O}"),
            L("Together, they watch the stars come out over {landmark}.",
              v="{P} and {O} watching the first stars over {landmark}"),
            L("{P} saves the best part of every day for {O}.", v="{P} hurrying to meet {O}"),
        ],
        "turn": [
            L("Then {trouble}, and {O} is nowhere to be seen.", "Then {trouble}.",
              v="{P} alone and afraid as {trouble}", e=True),
            L("{P} searches {far}, calling {O}'s name.", "{P} calls {O}'s name into the dark.",
              v="{P} calling out into the dark"),
            L("{P} fears {he} has lost {his} only friend.", v="close on {P}, worried"),
        ],
        "resolution": [
            L("At last, {O} comes back, safe and sound.", "At last, {O} returns.",
              v="{O} returning to {P}, both overjoyed", e=True, after_turn=True),
            L("From that day on, {P} is never lonely again.", "{P} is never lonely again.",
              v="{P} and {O} together at {landmark}, at peace", e=True),
            L("Together, they watch as {dawn}.", v="{P} and {O} watching as {dawn}"),
            L("Some friendships are worth waiting for."),
        ],
        "short": [
            L("{P} calls {o_him} {O}, and {he} is never lonely again.",
              "{P} and {O} become the best of friends.",
              v="{P} and {O} together at {landmark}, at peace", e=True),
        ],
    },
    "learning": {
        "hook": [
            L("{setting_in}, {P} the {role} dreams of learning to {skill}.",
              "This is {P}, {a_role} who dreams of learning to {skill}.",
              "{setting_in}, {P} the {role} dreams of something more.",
              v="{P} gazing up with longing at {landmark}", e=True),
            L("But {P} {flaw}.", "This is the story of how {P} {story_action}.",
              "{P} has one big wish."),
        ],
        "development": [
            L("The first try ends with a bump and a sigh.", "The first try does not go well.",
              v="{P} tumbling after a failed first attempt", e=True),
            L("But {P} does not give up. {he} practises every single day.",
              "But {P} keeps practising, day after day.",
              v="{P} practising with fierce concentration", e=True),
            L("One day, {a_h} named {H} stops to watch. {H} says: start small, and be patient.",
              "{H}, {a_h}, offers a tip: start small, and be patient.",
              "{H}, {a_h}, offers to help.", v="{H} showing {P} how it is done"),
            L("Little by little, {P} gets better.", v="{P} trying again, a little more confident"),
            L("Some days, {P} wants to quit. {he} keeps going anyway.",
              v="{P} resting, tired but determined"),
            L("{P} learns something from every fall.", v="{P} picking {himself} up again"),
            L("Soon, {P} can almost {skill}.", v="{P} nearly succeeding"),
        ],
        "turn": [
            L("Then {trouble}, and {P} must {skill} for real.",
              "Then {trouble}, and it is time for the real test.", "Then {trouble}.",
              v="{P} facing the moment of truth as {trouble}", e=True),
            L("{P}'s heart pounds. It is now or never.", v="close on {P}, heart pounding"),
            L("For a moment, {he} is sure {he} will fail.", v="{P} hesitating at the edge"),
        ],
        "resolution": [
            L("{P} takes a deep breath, and at last, {he} {skill_s}!", "At last, {P} {skill_s}!",
              "At last, {P} does it!", v="{P} triumphant, finally able to {skill}", e=True),
            L("Practice and courage have made {his} dream come true.",
              "Dreams come true for those who keep trying.",
              v="{P} proud and happy at {landmark}", e=True),
            L("Down below, {H} the {h_role} cheers with joy.", v="{H} cheering for {P}"),
            L("And {P} is already dreaming of the next big thing."),
        ],
        "short": [
            L("{P} practises every day, and at last, {he} {skill_s}!",
              "After many tries, {P} finally does it!",
              v="{P} triumphant, finally able to {skill}", e=True),
        ],
    },
    "quest": {
        "hook": [
            L("{setting_in}, {P} the {role} sets out to find {goal}.",
              "{setting_in}, {P} the {role} is searching for something precious.",
              v="{P} setting out from {landmark}, looking ahead", e=True),
            L("This is the story of how {P} {story_action}.",
              "Nobody else believes it can be found."),
        ],
        "development": [
            L("{P} searches high and low, but finds nothing.", "{P} searches everywhere.",
              v="{P} searching carefully {near}", e=True),
            L("Then {P} spots a clue, glinting {near}.", "Then {P} finds a clue.",
              v="{P} kneeling over a mysterious clue {near}", e=True),
            L("{H}, {a_h}, knows an old story about {goal_the}.", "{H}, {a_h}, points the way.",
              v="{H} pointing the way for {P}"),
            L("The trail leads further than {P} ever imagined.", v="{P} following a winding trail"),
            L("Every step brings {him} a little closer.", v="{P} pressing on, determined"),
            L("{P} follows the trail past {secret}.", v="{P} passing {secret}"),
            L("Some clues lead nowhere. {P} keeps going.", v="{P} studying a dead end"),
        ],
        "turn": [
            L("Then {trouble}, and the trail is lost.", "Then {trouble}.",
              v="{P} struggling on as {trouble}", e=True),
            L("{P} is cold, tired and far from home.", v="{P} huddled and tired"),
            L("Maybe {goal_the} was never real.", v="close on {P}, doubtful"),
        ],
        "resolution": [
            L("But {P} looks once more, and there it is: {goal_the}!", "At last, {P} finds it!",
              v="{P} discovering the treasure at last, amazed", e=True),
            L("{P} heads home, proud and happy.", "{P} smiles. It was worth it.",
              v="{P} heading home at {landmark}, content", e=True),
            L("The best treasures are the ones you never stop looking for."),
        ],
        "short": [
            L("After a long search, {P} finds {goal_the} at last!",
              "After a long search, {P} finds it at last!",
              v="{P} discovering the treasure at last, amazed", e=True),
        ],
    },
    "making": {
        "hook": [
            L("{setting_in}, {P} the {role} dreams of {act_ing}.",
              "{setting_in}, {P} the {role} has a big idea.",
              v="{P} sketching a big idea at {landmark}", e=True),
            L("This is the story of how {P} {story_action}.", "Nobody thinks it can be done."),
        ],
        "development": [
            L("{P} gathers everything {he} needs, piece by piece.", "{P} gathers what {he} needs.",
              v="{P} collecting materials", e=True),
            L("The first attempt falls apart. {P} starts again.", "The first try falls apart.",
              v="{P} looking at a collapsed first attempt", e=True),
            L("{H}, {a_h}, lends a hand.", v="{H} helping {P} at work"),
            L("Day by day, it starts to take shape.", v="{P} at work, the creation taking shape"),
            L("{P} works late into the night.", v="{P} working by lamplight"),
            L("Every mistake makes it a little better.", v="{P} fixing a small mistake"),
        ],
        "turn": [
            L("Then {trouble}, and everything is at risk.", "Then {trouble}.",
              v="{P} protecting the unfinished work as {trouble}", e=True),
            L("{P} holds on tight and refuses to give up.", v="{P} holding on, determined"),
        ],
        "resolution": [
            L("When dawn comes, it is finished, just as {P} imagined.", "At last, it is finished!",
              v="{P} beside the finished creation at dawn", e=True),
            L("Everyone comes to see what {P} has made.", "{P} smiles. It was worth every try.",
              v="a small crowd admiring {P}'s creation at {landmark}", e=True),
            L("And {P} is already dreaming up the next one."),
        ],
        "short": [
            L("After many tries, {P} finishes it at last, just as {he} imagined.",
              "After many tries, it is finished!",
              v="{P} beside the finished creation", e=True),
        ],
    },
    "rescue": {
        "hook": [
            L("{setting_in}, {P} the {role} keeps watch over everyone {he} loves.",
              "{P} the {role} keeps watch over everyone {he} loves.",
              v="{P} keeping watch at {landmark}", e=True),
            L("This is the story of how {P} {story_action}.", "Soon, that courage will be tested."),
        ],
        "development": [
            L("One morning, {P} hears that {threat} is coming.",
              "One morning, {P} notices that something is very wrong.",
              "Something is wrong.", v="{P} noticing something ominous", e=True),
            L("{P} is afraid, but {he} decides to act.", "{P} decides to act.",
              v="{P} steeling {himself}", e=True),
            L("{H}, {a_h}, joins {him}.", v="{H} joining {P}"),
            L("{P} makes a plan and gets ready.", v="{P} preparing carefully"),
            L("{P} thinks of {O}, and {his} fear grows smaller.", v="{P} thinking of {O}"),
        ],
        "turn": [
            L("Then {threat_the} arrives, and {P} must face it alone.",
              "Then {trouble}, and {P} must face it alone.", "Then {trouble}.",
              v="{P} standing firm against the danger", e=True),
            L("Everyone is counting on {him}.", v="close on {P}, determined"),
        ],
        "resolution": [
            L("With one brave move, {P} {story_action}!", "With one brave move, {P} saves the day!",
              v="{P} in a brave, decisive moment", e=True),
            L("Everyone cheers for {P}, the bravest {role} of all.", "{P} is a hero.",
              v="everyone cheering for {P} at {landmark}", e=True),
            L("Courage means being afraid and going anyway."),
        ],
        "short": [
            L("When danger comes, {P} is brave, and saves the day!",
              v="{P} in a brave, decisive moment", e=True),
        ],
    },
    "journey": {
        "hook": [
            L("{setting_in}, {P} the {role} dreams of {act_ing}.",
              "This is {P}, {a_role} with a restless heart.",
              v="{P} looking toward the horizon from {landmark}", e=True),
            L("This is the story of how {P} {story_action}.",
              "Beyond the horizon, a whole world is waiting."),
        ],
        "development": [
            L("At first light, {P} sets off, heart pounding.", "{P} sets off at dawn.",
              v="{P} setting off at first light", e=True),
            L("The way leads past {secret}.", "The way is long.",
              v="{P} travelling past {secret}", e=True),
            L("{H}, {a_h}, points the way.", v="{H} pointing the way for {P}"),
            L("Every day brings something new.", v="{P} marvelling at something new"),
            L("{P} has never been so far from home.", v="{P}, small against a vast landscape"),
            L("Some nights are cold, but the stars keep {him} company.",
              v="{P} resting under the stars"),
        ],
        "turn": [
            L("Then {trouble}, and {P} is lost.", "Then {trouble}.",
              v="{P} lost and struggling as {trouble}", e=True),
            L("{P} misses home more than ever.", v="close on {P}, homesick"),
        ],
        "resolution": [
            L("At last, {P} reaches {goal_the}!",
              "At last, {P} finds the most wonderful place of all!", "At last, {P} makes it!",
              v="{P} arriving at last, amazed", e=True),
            L("It is more beautiful than {he} ever imagined.", "The journey was worth it.",
              v="{P} taking in the view, overjoyed", e=True),
            L("And one day, {P} will tell the story of it all."),
        ],
        "short": [
            L("After a long journey, {P} reaches {goal_the} at last!",
              "After a long journey, {P} finds the most wonderful place of all!",
              v="{P} arriving at last, amazed", e=True),
        ],
    },
    "generic": {
        "hook": [
            L("This is {P}, {a_role} who {story_action}.",
              "{setting_in}, there is {a_role} named {P} who {story_action}.",
              "{setting_in}, {P} the {role} lives a quiet life.", "This is {P}, {a_role}.",
              v="{P} at {landmark}, going about {his} day", e=True),
            L("But {P} feels that something is missing."),
        ],
        "development": [
            L("Every day, {P} {story_action}, and every day is the same.",
              "One day, something unexpected happens.", "One day, something changes.",
              v="{P} surprised by something unexpected {near}", e=True),
            L("{P} notices things {he} never saw before.", "{P} begins to wonder.",
              v="{P} looking around with new eyes", e=True),
            L("{H}, {a_h}, becomes a friend.", v="{H} and {P} meeting {near}"),
            L("Every day, {P} feels a little braver.", v="{P} walking tall"),
            L("{P} discovers {secret}.", v="{P} discovering {secret}"),
        ],
        "turn": [
            L("Then {trouble}, and everything is at stake.", "Then {trouble}.",
              v="{P} caught out as {trouble}", e=True),
            L("{P} has to choose what really matters.", v="close on {P}, thinking hard"),
        ],
        "resolution": [
            L("{P} finds the courage to be {himself}.", "{P} finds {his} way.",
              v="{P} standing tall as {dawn}", e=True),
            L("From that day on, {P} knows exactly where {he} belongs.", "All is well.",
              v="{P} at peace at {landmark}", e=True),
        ],
        "short": [
            L("In the end, {P} finds exactly where {he} belongs.",
              v="{P} at peace at {landmark}", e=True),
        ],
    },
}  # fmt: skip

# Lines any story can use when a beat needs more scenes than its arc has lines.
SPARE: dict[str, list[Line]] = {
    "hook": [L("It is a quiet place, where little ever changes.", v="{P} at {landmark}")],
    "development": [
        L("Days turn into weeks.", v="{P} {near}, the light changing"),
        L("{P} hums a little tune as {he} goes.", v="{P} humming happily {near}"),
        L("The seasons slowly change.", v="{P} {near} as the seasons turn"),
        L("It is a small step, but it matters.", v="close on {P}, quietly pleased"),
        L("{P} remembers why {he} started.", v="{P} lost in thought"),
    ],
    "turn": [L("For a moment, all seems lost.", v="{P} small against the storm")],
    "resolution": [L("It is the start of something wonderful.", v="{P} smiling as {dawn}")],
}  # fmt: skip

# Moments of an ordinary day, combined (time x doing) to give long stories fresh lines.
DAY_TIMES = ("at dawn", "in the morning", "at noon", "in the afternoon", "at dusk",
             "by moonlight", "on rainy days", "on sunny days")  # fmt: skip
SOLO_DOINGS = ("explores {near}", "rests for a while {near}", "watches the sky {near}",
               "listens to the wind {near}", "thinks about what comes next",
               "practises again and again", "hums a little tune {near}")  # fmt: skip
PAIR_DOINGS = ("{P} and {O} explore {near}", "{P} and {O} watch the sky together",
               "{P} tells {O} old stories", "{O} listens while {P} talks",
               "{P} and {O} play games {near}")  # fmt: skip


def day_lines(pair: bool) -> list[Line]:
    """'At dusk, {P} watches the sky {near}.' for every time and doing, the doings taking turns."""
    doings = PAIR_DOINGS if pair else tuple(f"{{P}} {d}" for d in SOLO_DOINGS)
    n = len(DAY_TIMES)
    pairs = [(DAY_TIMES[(r + j) % n], d) for r in range(n) for j, d in enumerate(doings)]
    return [L(f"{t}, {d}.", v=f"{d}, {t}") for t, d in pairs]


# Short sentences that colour a scene without moving the story: (text, goes before the line).
FILLERS: dict[str, list[tuple[str, bool]]] = {
    "hook": [("Nothing much ever happens here.", False)],
    "development": [("Time passes.", False), ("The days grow longer.", False),
                    ("Little by little, things change.", False)],
    "turn": [("{his} heart pounds.", False), ("{he} holds {his} breath.", False),
             ("Everything goes very quiet.", True)],
    "resolution": [("{he} smiles.", False), ("The air is soft and still.", True),
                   ("Everything feels brand new.", False)],
}  # fmt: skip

OPENING_HOOK = _OPENING_HOOK

# In stories that are not about a friendship, a second character the prompt names comes along.
COMPANION = L("{P} never goes anywhere without {O}, {his} {o_noun}.",
              "{O} the {o_noun} is always by {his} side.",
              v="{P} and {O} side by side {near}", e=True)  # fmt: skip
