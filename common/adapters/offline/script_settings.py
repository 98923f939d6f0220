"""Where offline stories happen: the words that point at a setting, and how it looks and sounds.

A setting gives the narration its places, weather and trouble (in English, Chinese and Arabic)
and gives the style bible its palettes and light, one per tone: warm (friendship, learning,
making), cool (quests and journeys) and dramatic (rescues).
"""

from __future__ import annotations

from dataclasses import dataclass

Tone = str  # "warm", "cool" or "dramatic"


@dataclass(frozen=True)
class Setting:
    """One kind of place, with everything the writer says and shows about it."""

    key: str
    words: tuple[str, ...]  # English words that point here
    zh_words: tuple[str, ...]
    ar_words: tuple[str, ...]
    intro: tuple[str, ...]  # "on a windswept coast"
    landmark: str  # used when the prompt names none
    far: str
    trouble: tuple[str, ...]  # "a storm rolls in from the sea"
    dawn: tuple[str, ...]
    secret: str  # something a friend can show
    senses: tuple[str, ...]  # short sentences of sound, smell and weather
    places: tuple[str, str, str, str]  # hook, development, turn, resolution ({landmark} allowed)
    palettes: dict[Tone, tuple[str, str, str, str, str]]
    lighting: dict[Tone, str]
    zh_place: str  # 海边: used as 在{place} and 住在{place}
    zh_trouble: str
    zh_senses: tuple[str, ...]
    zh_secret: str
    ar_place: str  # قرب البحر
    ar_trouble: str
    ar_senses: tuple[str, ...]


SETTINGS: dict[str, Setting] = {
    "coast": Setting(
        "coast",
        ("sea", "ocean", "lighthouse", "beach", "shore", "harbor", "harbour", "island", "wave",
         "waves", "boat", "ship", "coast", "bay", "tide", "port", "seaside", "reef"),
        ("海", "灯塔", "岛", "沙滩", "港"),
        ("بحر", "البحر", "محيط", "منارة", "شاطئ", "جزيرة", "المنارة", "الشاطئ"),
        ("on a windswept coast", "on a rocky, grey coast", "by the wild grey sea"),
        "the old pier",
        "far out over the grey water",
        ("a storm rolls in from the sea", "a wild storm whips up the waves",
         "a thick fog swallows the shore"),
        ("the sun rises over a calm sea", "the first light turns the sea to gold"),
        "the hidden coves along the shore",
        ("Salt wind whistles through the rocks.", "Gulls wheel and cry above the water.",
         "The waves hush against the shore.", "The tide rolls in, slow and patient.",
         "The sea smells of salt and rain."),
        ("a windswept rocky coast with {landmark} above the grey sea",
         "the rocks and cold water near {landmark}",
         "storm-lashed waves and a black sky near {landmark}",
         "a calm sea at sunrise, {landmark} glowing on the shore"),
        {"warm": ("#1d3557", "#457b9d", "#a8dadc", "#f4a261", "#f1faee"),
         "cool": ("#0b2545", "#13315c", "#8da9c4", "#eef4ed", "#e0a458"),
         "dramatic": ("#0d1b2a", "#1b263b", "#415a77", "#e0e1dd", "#ffc857")},
        {"warm": "soft golden-hour light over the sea, warm lantern glow against blue shadows",
         "cool": "silvery overcast light and a gentle sea mist",
         "dramatic": "moody storm light broken by a single warm beam"},
        "海边", "海上刮起了暴风雨",
        ("海浪轻轻拍打着岸边。", "海鸥在天上飞来飞去。", "海风带着咸咸的味道。"),
        "藏在礁石后面的小海湾",
        "قرب البحر", "تهب عاصفة قوية فوق البحر",
        ("الأمواج تلمس الشاطئ بهدوء.", "النوارس تحلق فوق الماء."),
    ),
    "forest": Setting(
        "forest",
        ("forest", "woods", "wood", "tree", "trees", "jungle", "grove", "glade", "mushroom", "oak"),
        ("森林", "树林", "丛林", "树"),
        ("غابة", "الغابة", "شجرة", "أشجار"),
        ("deep in an old forest", "in a whispering green forest"),
        "the old oak",
        "deep among the dark trees",
        ("a wild storm tears through the trees", "a thick fog hides every path"),
        ("sunlight spills through the leaves", "morning light slants between the trees"),
        "a hidden clearing full of fireflies",
        ("Leaves whisper overhead.", "Somewhere, an owl calls softly.",
         "Moss glows green in the shade.", "The air smells of pine and rain."),
        ("an old green forest around {landmark}", "a mossy path between tall trees near {landmark}",
         "a dark, storm-tossed forest", "a sunlit clearing near {landmark}"),
        {"warm": ("#283618", "#606c38", "#dda15e", "#bc6c25", "#fefae0"),
         "cool": ("#1b4332", "#2d6a4f", "#74c69d", "#b7e4c7", "#d8f3dc"),
         "dramatic": ("#081c15", "#1b4332", "#40916c", "#95d5b2", "#f4d35e")},
        {"warm": "dappled late-afternoon sunlight through the leaves",
         "cool": "cool green shade with soft shafts of morning light",
         "dramatic": "deep shadows pierced by narrow beams of light"},
        "森林里", "森林里起了大雾",
        ("树叶沙沙作响。", "林子里传来鸟儿的歌声。"),
        "一片满是萤火虫的林间空地",
        "في الغابة", "يهبط ضباب كثيف على الغابة",
        ("الأشجار تهمس في الريح.", "العصافير تغني بين الأغصان."),
    ),
    "city": Setting(
        "city",
        ("city", "street", "streets", "rooftop", "rooftops", "subway", "skyscraper", "neon",
         "traffic", "cafe", "apartment", "metro", "alley", "downtown", "museum", "library"),
        ("城市", "城里", "街", "大楼"),
        ("مدينة", "المدينة", "شارع"),
        ("in a busy, glittering city", "high above the city streets"),
        "the old clock tower",
        "across the rooftops",
        ("a blackout plunges the city into darkness", "a storm floods the busy streets"),
        ("the sun rises over the rooftops", "morning light washes over the city"),
        "the quietest rooftop in the city",
        ("Traffic hums far below.", "A thousand windows glow in the dusk.",
         "Rain shines on the pavement.", "Somewhere, a tram rattles past."),
        ("a busy city street near {landmark}", "rooftops and glowing windows around {landmark}",
         "a dark, rain-swept city", "the city at sunrise, {landmark} catching the light"),
        {"warm": ("#22223b", "#4a4e69", "#9a8c98", "#f2e9e4", "#f4a259"),
         "cool": ("#0f172a", "#1e3a5f", "#38bdf8", "#e2e8f0", "#f472b6"),
         "dramatic": ("#10002b", "#3c096c", "#7b2cbf", "#e0aaff", "#ffd60a")},
        {"warm": "warm streetlamp glow and lit windows at dusk",
         "cool": "cool blue evening light with neon reflections",
         "dramatic": "dark streets lit by flickering neon"},
        "城市里", "城市里的灯全都灭了",
        ("街上车来车往。", "窗户里亮着温暖的灯。"),
        "城里最安静的屋顶",
        "في المدينة", "تنطفئ كل أضواء المدينة",
        ("أضواء المدينة تلمع في الليل.", "المطر يلمع على الطريق."),
    ),
    "desert": Setting(
        "desert",
        ("desert", "sand", "dune", "dunes", "oasis", "cactus", "sahara", "canyon", "pyramid"),
        ("沙漠", "沙丘", "绿洲"),
        ("صحراء", "الصحراء", "رمال", "الرمال", "واحة"),
        ("in a vast golden desert", "among the quiet golden dunes"),
        "the oasis",
        "far across the dunes",
        ("a sandstorm swallows the horizon", "a howling sandstorm blots out the sun"),
        ("the sun paints the dunes gold", "dawn turns the sand pink and gold"),
        "a hidden spring beneath the dunes",
        ("Hot wind ripples over the dunes.", "The sand glows amber in the evening.",
         "Stars blaze above the silent sand."),
        ("golden dunes rolling toward {landmark}", "wind-carved sand near {landmark}",
         "a wall of swirling sand", "the desert at dawn, {landmark} shining below"),
        {"warm": ("#6f1d1b", "#bb9457", "#ffe6a7", "#99582a", "#432818"),
         "cool": ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"),
         "dramatic": ("#3d0c02", "#9c2706", "#e85d04", "#faa307", "#ffe8d6")},
        {"warm": "low amber sunlight and long soft shadows",
         "cool": "clear turquoise dusk over pale sand",
         "dramatic": "a burning orange sky behind blowing sand"},
        "沙漠里", "沙漠里刮起了沙尘暴",
        ("热风吹过沙丘。", "夜里，满天都是星星。"),
        "沙丘下面的一眼清泉",
        "في الصحراء", "تهب عاصفة رملية قوية",
        ("الرمال تلمع تحت الشمس.", "النجوم تملأ سماء الليل."),
    ),
    "space": Setting(
        "space",
        ("space", "star", "stars", "planet", "planets", "moon", "galaxy", "astronaut", "rocket",
         "comet", "mars", "orbit", "spaceship", "universe", "nebula", "asteroid"),
        ("太空", "星星", "星球", "月亮", "宇宙", "火箭", "银河"),
        ("فضاء", "الفضاء", "نجوم", "النجوم", "كوكب", "قمر", "القمر", "نجمة", "صاروخ"),
        ("far out among the stars", "on a tiny faraway planet"),
        "the little space station",
        "far out among the drifting stars",
        ("a meteor storm flashes across the sky", "the engines sputter and the lights go dark"),
        ("a new sun rises over the planet", "starlight fades into a soft blue morning"),
        "a nebula that glows like a garden",
        ("Stars glitter in the endless dark.", "A comet drifts silently past.",
         "The planet below glows blue and green.", "Out here, everything is very quiet."),
        ("deep space scattered with stars around {landmark}",
         "a small rocky planet near {landmark}", "a storm of streaking meteors",
         "a glowing sunrise over a small planet, {landmark} in view"),
        {"warm": ("#0b0c2a", "#3a0ca3", "#f72585", "#ffb703", "#fdf0d5"),
         "cool": ("#03071e", "#14213d", "#4361ee", "#4cc9f0", "#e0fbfc"),
         "dramatic": ("#000814", "#001d3d", "#7209b7", "#f72585", "#ffd60a")},
        {"warm": "soft starlight with a warm glow from a distant sun",
         "cool": "cold blue starlight and glowing nebula colours",
         "dramatic": "harsh flashes of light against deep black space"},
        "遥远的星空中", "流星雨划过天空",
        ("星星在黑暗中闪烁。", "一颗彗星静静地飞过。"),
        "一片像花园一样发光的星云",
        "بين النجوم", "يمر سرب من النيازك في السماء",
        ("النجوم تلمع في الظلام.", "كل شيء هادئ هنا."),
    ),
    "mountain": Setting(
        "mountain",
        ("mountain", "mountains", "peak", "peaks", "cliff", "cliffs", "cave", "valley", "summit",
         "hill", "hills", "volcano"),
        ("山", "高山", "山洞", "山谷"),
        ("جبل", "جبال", "الجبل", "الجبال", "كهف", "وادي"),
        ("high in the misty mountains", "in a quiet mountain valley"),
        "the stone hut",
        "far up the steep slopes",
        ("a rockslide thunders down the slope", "a blizzard sweeps over the peaks"),
        ("sunrise sets the peaks on fire", "morning light spills into the valley"),
        "a hidden cave full of crystals",
        ("Cold wind sings between the peaks.", "Clouds drift below the cliffs.",
         "An eagle circles far overhead."),
        ("misty mountain peaks above {landmark}", "a steep rocky path near {landmark}",
         "a storm-dark mountainside", "sunlit peaks at dawn above {landmark}"),
        {"warm": ("#2b2d42", "#8d99ae", "#edf2f4", "#ef8354", "#ffd6a5"),
         "cool": ("#1b263b", "#415a77", "#778da9", "#e0e1dd", "#a3c4bc"),
         "dramatic": ("#0b132b", "#1c2541", "#3a506b", "#5bc0be", "#ff9f1c")},
        {"warm": "warm alpenglow on the peaks",
         "cool": "crisp clear mountain light and drifting cloud",
         "dramatic": "dark storm clouds and flashes of lightning over the peaks"},
        "大山里", "山上下起了大雪",
        ("冷风吹过山顶。", "白云在山间飘荡。"),
        "一个满是水晶的山洞",
        "في الجبال", "تتساقط الصخور من الجبل",
        ("الريح باردة فوق القمم.", "الغيوم تمر بين الجبال."),
    ),
    "village": Setting(
        "village",
        ("village", "farm", "cottage", "garden", "meadow", "barn", "field", "fields", "orchard",
         "countryside", "town", "bakery", "market", "pond", "river", "home", "house", "school"),
        ("村", "村庄", "农场", "花园", "小镇"),
        ("قرية", "القرية", "مزرعة", "حديقة", "بيت"),
        ("in a sleepy little village", "in a village of crooked roofs"),
        "the village square",
        "far beyond the last fields",
        ("a storm floods the village lane", "the river bursts its banks"),
        ("morning sun warms the rooftops", "the sun comes up over the fields"),
        "the secret garden behind the old wall",
        ("Chimney smoke curls into the sky.", "Bees hum over the garden.",
         "A bell rings in the village square.", "The smell of fresh bread drifts down the lane."),
        ("a cosy village of crooked roofs around {landmark}", "a garden lane near {landmark}",
         "a flooded lane under dark clouds", "the village in morning sun, {landmark} at its heart"),
        {"warm": ("#3d405b", "#81b29a", "#f2cc8f", "#e07a5f", "#f4f1de"),
         "cool": ("#2f3e46", "#52796f", "#84a98c", "#cad2c5", "#f6bd60"),
         "dramatic": ("#2b2118", "#6f1a07", "#a8763e", "#f7b267", "#f4f1de")},
        {"warm": "warm morning sunshine and soft shadows",
         "cool": "soft overcast daylight over green fields",
         "dramatic": "a dark sky with one shaft of golden light"},
        "小村庄里", "村边的河水涨了起来",
        ("烟囱里冒着炊烟。", "花园里蜜蜂嗡嗡地飞。"),
        "老墙后面的秘密花园",
        "في قرية صغيرة", "يفيض النهر على القرية",
        ("رائحة الخبز تملأ القرية.", "النحل يطير فوق الحديقة."),
    ),
    "snow": Setting(
        "snow",
        ("snow", "snowy", "ice", "icy", "arctic", "antarctic", "polar", "winter", "glacier",
         "frozen", "iceberg", "blizzard", "tundra"),
        ("雪", "冰", "北极", "南极", "冬天"),
        ("ثلج", "الثلج", "جليد", "الجليد", "شتاء"),
        ("in a land of ice and snow", "far in the frozen north"),
        "the ice cave",
        "far across the frozen plain",
        ("a blizzard howls across the ice", "the ice cracks with a thunderous boom"),
        ("pink dawn light spreads across the snow", "the sun returns to the frozen land"),
        "a cave of glittering blue ice",
        ("Snow falls without a sound.", "The northern lights ripple green overhead.",
         "The ice creaks and sighs."),
        ("a wide snowy plain around {landmark}", "glittering ice near {landmark}",
         "a howling blizzard", "snowfields at dawn, {landmark} shining"),
        {"warm": ("#1e3a5f", "#89c2d9", "#f8f9fa", "#ffb4a2", "#e5989b"),
         "cool": ("#012a4a", "#2a6f97", "#61a5c2", "#a9d6e5", "#f8f9fa"),
         "dramatic": ("#0d1b2a", "#1b3a4b", "#4d908e", "#caf0f8", "#f9c74f")},
        {"warm": "pink and gold low sun on the snow",
         "cool": "pale blue arctic light and soft falling snow",
         "dramatic": "green northern lights above a dark, windswept plain"},
        "冰雪世界里", "冰面突然裂开了",
        ("雪花静静地飘落。", "天上亮起了绿色的极光。"),
        "一个闪着蓝光的冰洞",
        "بين الثلوج", "يتشقق الجليد تحت الأقدام",
        ("الثلج يتساقط بصمت.", "الأضواء الخضراء ترقص في السماء."),
    ),
}  # fmt: skip

# Landmarks a prompt can name; the story then returns to them.
LANDMARKS: tuple[str, ...] = (
    "lighthouse", "castle", "tower", "library", "bakery", "garden", "station", "ship", "island",
    "cave", "temple", "school", "museum", "farm", "bridge", "treehouse", "windmill", "palace",
    "oasis", "observatory", "harbour", "harbor", "mill", "cottage", "shop",
)  # fmt: skip

# Tone of each kind of story: it chooses the palette, the light and the moods.
CATEGORY_TONE: dict[str, Tone] = {
    "friendship": "warm", "learning": "warm", "making": "warm", "quest": "cool",
    "journey": "cool", "rescue": "dramatic", "generic": "warm",
}  # fmt: skip
