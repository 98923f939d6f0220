"""Kinds of characters the offline script writer knows: how they look and what they are called.

Every kind carries its nouns in English, Chinese and Arabic, so a prompt in one language can be
told in another, and a fixed English look that image prompts repeat word for word.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of character: how it is drawn, where it lives and what it is called."""

    group: str  # person, animal, creature or robot
    setting: str  # where such a character usually lives (a key of SETTINGS)
    look: str  # persons: their clothes; others: body, without article, size or colour
    size: str = ""
    colour: str = ""
    skin: str = "fur"  # fur, feathers, scales, smooth, metal or cloth: picks a distinctive feature
    gender: str = ""  # "m" or "f" when the noun says so
    age: str = "adult"  # persons only: child, adult or elder
    arrive: str = ""  # how it turns up in a scene
    zh: str = ""
    zh_measure: str = "只"
    ar: str = ""
    ar_fem: bool = False


def _p(
    setting: str, look: str, zh: str, ar: str, gender: str = "", age: str = "adult",
    zh_measure: str = "位",
) -> Kind:  # fmt: skip
    """A person kind."""
    return Kind(
        "person", setting, look, skin="cloth", gender=gender, age=age, arrive="comes walking by",
        zh=zh, zh_measure=zh_measure, ar=ar, ar_fem=gender == "f",
    )  # fmt: skip


def _a(
    setting: str, look: str, size: str, colour: str, skin: str, arrive: str, zh: str, ar: str,
    measure: str = "只", fem: bool = False, group: str = "animal", gender: str = "",
) -> Kind:  # fmt: skip
    """An animal (or creature, or robot) kind."""
    return Kind(
        group, setting, look, size, colour, skin, gender=gender, arrive=arrive, zh=zh,
        zh_measure=measure, ar=ar, ar_fem=fem,
    )  # fmt: skip


KINDS: dict[str, Kind] = {
    # people
    "keeper": _p("coast", "a navy wool sweater under a yellow oilskin coat",
        "看守人", "حارس منارة", "", "elder"),
    "sailor": _p("coast", "a striped sailor shirt and a faded blue cap",
        "水手", "بحار"),
    "fisherman": _p("coast", "a knitted cap and tall rubber boots",
        "渔夫", "صياد", "m", "adult"),
    "pirate": _p("coast", "a patched red coat and a battered tricorn hat",
        "海盗", "قرصان"),
    "girl": _p("village", "a yellow raincoat and green rubber boots",
        "女孩", "فتاة", "f", "child"),
    "boy": _p("village", "a red hoodie and patched brown trousers",
        "男孩", "ولد", "m", "child"),
    "child": _p("village", "a yellow raincoat and green boots",
        "孩子", "طفل", "", "child"),
    "woman": _p("city", "a long mustard coat and a green scarf",
        "女人", "امرأة", "f", "adult"),
    "man": _p("city", "a brown tweed jacket and a flat cap",
        "男人", "رجل", "m", "adult"),
    "grandmother": _p("village", "a lavender cardigan and a flowery apron",
        "奶奶", "جدة", "f", "elder"),
    "grandfather": _p("village", "a moss-green cardigan and corduroy trousers",
        "爷爷", "جد", "m", "elder"),
    "king": _p("village", "a crimson robe trimmed with white fur and a small gold crown",
        "国王", "ملك", "m", "adult"),
    "queen": _p("village", "a deep blue gown and a silver crown",
        "女王", "ملكة", "f", "adult"),
    "princess": _p("village", "a pale green dress and a tiny golden tiara",
        "公主", "أميرة", "f", "child"),
    "prince": _p("village", "a blue velvet tunic and a short red cape",
        "王子", "أمير", "m", "child"),
    "knight": _p("mountain", "dented silver armour over a red tunic",
        "骑士", "فارس"),
    "wizard": _p("forest", "a midnight-blue robe stitched with silver stars and a pointed hat",
        "巫师", "ساحر"),
    "witch": _p("forest", "a patched black dress and a wide-brimmed hat",
        "女巫", "ساحرة", "f", "adult"),
    "astronaut": _p("space", "a white spacesuit with orange stripes and a round glass helmet",
        "宇航员", "رائد فضاء"),
    "farmer": _p("village", "faded blue overalls and a straw hat",
        "农夫", "مزارع"),
    "baker": _p("village", "a flour-dusted white apron and a baker's cap",
        "面包师", "خباز"),
    "chef": _p("city", "a white chef's jacket and a tall white hat",
        "厨师", "طاهٍ"),
    "painter": _p("city", "a paint-spattered smock and a floppy beret",
        "画家", "رسام"),
    "musician": _p("city", "a worn corduroy jacket and a battered guitar case",
        "音乐家", "موسيقي"),
    "inventor": _p("city", "a leather apron full of tools and brass goggles",
        "发明家", "مخترع"),
    "scientist": _p("city", "a white lab coat over a green jumper",
        "科学家", "عالم"),
    "explorer": _p("forest", "a khaki jacket with many pockets and a wide-brimmed hat",
        "探险家", "مستكشف"),
    "pilot": _p("mountain", "a brown leather flight jacket and old goggles",
        "飞行员", "طيار"),
    "detective": _p("city", "a long grey trench coat and a felt hat",
        "侦探", "محقق"),
    "gardener": _p("village", "muddy green overalls and gardening gloves",
        "园丁", "بستاني"),
    "shepherd": _p("mountain", "a thick wool cloak and a wooden crook",
        "牧羊人", "راعي غنم"),
    "teacher": _p("village", "a cosy brown cardigan with chalk on the sleeves",
        "老师", "معلم"),
    "clockmaker": _p("city", "a waistcoat with many pockets and a magnifying loupe",
        "钟表匠", "صانع ساعات", "", "elder"),
    "doctor": _p("city", "a white coat and a stethoscope",
        "医生", "طبيب"),
    "student": _p("city", "a blue school blazer and a backpack",
        "学生", "طالب", "", "adult", zh_measure="个"),
    "traveller": _p("desert", "a dusty travelling cloak and a walking stick",
        "旅行者", "مسافر"),
    "dreamer": _p("village", "a soft blue jumper and a long striped scarf",
        "追梦人", "حالم", "", "adult", zh_measure="个"),
    # animals
    "whale": _a("coast", "humpback whale with long white flippers",
        "enormous", "blue-grey", "smooth", "rises from the dark water", "鲸鱼", "حوت", "头"),
    "dolphin": _a("coast", "dolphin with a bright, curious face",
        "sleek", "silver-grey", "smooth", "leaps from the waves", "海豚", "دلفين"),
    "seal": _a("coast", "seal with long whiskers and dark round eyes",
        "plump", "speckled grey", "smooth", "pops up from the water", "海豹", "فقمة", fem=True),
    "octopus": _a("coast", "octopus with curling tentacles",
        "small", "coral-red", "smooth", "creeps out from between the rocks", "章鱼", "أخطبوط"),
    "fish": _a("coast", "fish with fins like silk",
        "little", "golden", "scales", "flashes up from the deep", "鱼", "سمكة", "条", fem=True),
    "turtle": _a("coast", "sea turtle with a patterned shell",
        "old", "olive-green", "smooth", "paddles up to the shore", "海龟", "سلحفاة", fem=True),
    "crab": _a("coast", "crab with one oversized claw",
        "small", "bright red", "smooth", "scuttles out from under a rock", "螃蟹", "سلطعون"),
    "gull": _a("coast", "seagull with a yellow beak",
        "scruffy", "white-and-grey", "feathers", "lands on the railing", "海鸥", "نورس"),
    "penguin": _a("snow", "penguin with a white chest and orange feet",
        "small", "black-and-white", "feathers", "waddles out of the snow", "企鹅", "بطريق"),
    "cat": _a("village", "cat with a long striped tail",
        "small", "ginger", "fur", "slips out of the shadows", "猫", "قطة", fem=True),
    "kitten": _a("village", "kitten with oversized paws",
        "tiny", "ginger", "fur", "tumbles out of a basket", "小猫", "قطة صغيرة", fem=True),
    "dog": _a("village", "dog with floppy ears",
        "scruffy", "brown-and-white", "fur", "comes bounding over", "狗", "كلب"),
    "puppy": _a("village", "puppy with floppy ears and a wagging tail",
        "small", "golden", "fur", "comes bounding over", "小狗", "جرو"),
    "fox": _a("forest", "fox with a bushy white-tipped tail",
        "slender", "russet", "fur", "steps out from the ferns", "狐狸", "ثعلب"),
    "bird": _a("forest", "songbird with bright eyes",
        "little", "blue", "feathers", "flutters down", "小鸟", "عصفور"),
    "owl": _a("forest", "owl with huge amber eyes",
        "round", "brown-speckled", "feathers", "swoops down silently", "猫头鹰", "بومة", fem=True),
    "bear": _a("forest", "bear with a round belly and small round ears",
        "big", "honey-brown", "fur", "lumbers out of the trees", "熊", "دب", "头"),
    "rabbit": _a("forest", "rabbit with long soft ears",
        "small", "white", "fur", "hops out of the grass", "兔子", "أرنب"),
    "mouse": _a("village", "mouse with big round ears and a long pink tail",
        "tiny", "grey", "fur", "scurries out of a crack", "老鼠", "فأر"),
    "wolf": _a("forest", "wolf with pale blue eyes",
        "lean", "silver-grey", "fur", "pads out of the shadows", "狼", "ذئب", "匹"),
    "deer": _a("forest", "deer with gentle dark eyes and small antlers",
        "slender", "fawn-brown", "fur", "steps into the clearing", "鹿", "غزال", "头"),
    "squirrel": _a("forest", "squirrel with a huge fluffy tail",
        "small", "red", "fur", "scampers down a tree", "松鼠", "سنجاب"),
    "hedgehog": _a("forest", "hedgehog with a pointy nose and soft spines",
        "small", "brown", "fur", "trundles out of the leaves", "刺猬", "قنفذ"),
    "otter": _a("coast", "otter with sleek fur and long whiskers",
        "playful", "chocolate-brown", "fur", "pops up from the water", "水獭", "قضاعة", fem=True),
    "frog": _a("village", "frog with big golden eyes",
        "small", "bright green", "smooth", "hops onto a lily pad", "青蛙", "ضفدع"),
    "duck": _a("village", "duck with an orange beak",
        "plump", "white", "feathers", "waddles over", "鸭子", "بطة", fem=True),
    "elephant": _a("desert", "elephant with big flapping ears and a long trunk",
        "gentle", "grey", "smooth", "comes lumbering over", "大象", "فيل", "头"),
    "lion": _a("desert", "lion with a shaggy golden mane",
        "big", "tawny", "fur", "pads out of the tall grass", "狮子", "أسد", "头"),
    "tiger": _a("forest", "tiger with bold black stripes",
        "powerful", "orange", "fur", "slips out of the jungle", "老虎", "نمر"),
    "horse": _a("village", "horse with a flowing mane",
        "tall", "chestnut", "fur", "trots up", "马", "حصان", "匹"),
    "camel": _a("desert", "camel with two humps and long eyelashes",
        "tall", "sandy", "fur", "plods over the dunes", "骆驼", "جمل", "峰"),
    "panda": _a("forest", "panda with black eye patches",
        "round", "black-and-white", "fur", "rolls out of the bamboo", "熊猫", "باندا"),
    "monkey": _a("forest", "monkey with a long curly tail",
        "small", "brown", "fur", "swings down from a branch", "猴子", "قرد"),
    "butterfly": _a("village", "butterfly with wide patterned wings",
        "little", "orange-and-black", "smooth", "flutters by", "蝴蝶", "فراشة", fem=True),
    "bee": _a("village", "bumblebee with fuzzy stripes",
        "tiny", "yellow-and-black", "fur", "buzzes over", "蜜蜂", "نحلة", fem=True),
    "snail": _a("village", "snail with a spiral shell",
        "tiny", "amber", "smooth", "creeps along a leaf", "蜗牛", "حلزون"),
    "goat": _a("mountain", "mountain goat with curling horns",
        "sure-footed", "white", "fur", "leaps down the rocks", "山羊", "ماعز"),
    "eagle": _a("mountain", "eagle with broad wings and a hooked beak",
        "great", "brown-and-white", "feathers", "circles down from the sky", "鹰", "نسر"),
    "crow": _a("city", "crow with glossy feathers and a clever eye",
        "sleek", "black", "feathers", "lands on a lamp post", "乌鸦", "غراب"),
    "pigeon": _a("city", "pigeon with a shimmering green neck",
        "plump", "grey", "feathers", "flutters down onto the pavement", "鸽子", "حمامة", fem=True),
    "dinosaur": _a("forest", "dinosaur with a long swishing tail",
        "big", "moss-green", "scales", "stomps out of the trees", "恐龙", "ديناصور"),
    # creatures
    "dragon": _a("mountain", "dragon with leathery wings and a curling tail",
        "young", "emerald-green", "scales", "swoops down from the clouds", "龙", "تنين", "条",
        group="creature"),
    "unicorn": _a("forest", "unicorn with a spiralled golden horn",
        "graceful", "white", "fur", "appears in a shimmer of light", "独角兽", "حصان سحري",
        group="creature"),
    "ghost": _a("village", "ghost with a soft glow and round dark eyes",
        "little", "pale", "smooth", "drifts through the wall", "幽灵", "شبح", "个",
        group="creature"),
    "monster": _a("forest", "monster with shaggy fur, stubby horns and a gentle smile",
        "big", "purple", "fur", "peeks out from behind a tree", "怪兽", "وحش", group="creature"),
    "giant": _a("mountain", "giant with a bushy beard and patched clothes",
        "enormous", "", "cloth", "strides over the hills", "巨人", "عملاق", "个", group="creature"),
    "fairy": _a("forest", "fairy with shimmering dragonfly wings",
        "tiny", "", "smooth", "flits out of a flower", "仙子", "جنية", "个", fem=True,
        group="creature", gender="f"),
    "mermaid": _a("coast", "mermaid with a shimmering teal tail and long sea-green hair",
        "young", "", "scales", "surfaces beside the rocks", "美人鱼", "حورية بحر", "条", fem=True,
        group="creature", gender="f"),
    "troll": _a("mountain", "troll with a mossy back and a big round nose",
        "lumpy", "grey-green", "smooth", "stomps out from under a bridge", "巨魔", "غول", "个",
        group="creature"),
    "alien": _a("space", "alien with three eyes and long thin antennae",
        "small", "lime-green", "smooth", "steps out of a glowing saucer", "外星人", "كائن فضائي",
        "个", group="creature"),
    "phoenix": _a("desert", "phoenix with flame-coloured feathers",
        "radiant", "scarlet-and-gold", "feathers", "bursts from a glow of embers", "凤凰", "عنقاء",
        fem=True, group="creature"),
    "snowman": _a("snow", "snowman with a carrot nose and coal-button eyes",
        "round", "white", "smooth", "appears in the falling snow", "雪人", "رجل ثلج", "个",
        group="creature"),
    # machines
    "robot": _a("city", "robot with brushed copper plating and round glass eyes",
        "small", "", "metal", "rolls into view", "机器人", "روبوت", "个", group="robot"),
    "android": _a("city", "android with a smooth white shell and glowing seams",
        "tall", "", "metal", "steps into the light", "仿生人", "إنسان آلي", "个", group="robot"),
    "drone": _a("city", "drone with four humming rotors",
        "small", "orange", "metal", "hums down from the sky", "无人机", "طائرة مسيرة", "架",
        fem=True, group="robot"),
}  # fmt: skip

# Other spellings and words for the kinds above.
ALIASES: dict[str, str] = {
    "kitty": "kitten", "bunny": "rabbit", "hare": "rabbit", "doggy": "dog", "seagull": "gull",
    "grandma": "grandmother", "granny": "grandmother", "grandpa": "grandfather", "kid": "child",
    "bot": "robot", "lighthousekeeper": "keeper", "songbird": "bird", "sparrow": "bird",
    "robin": "bird", "lady": "woman", "gentleman": "man", "traveler": "traveller",
    "artist": "painter", "cook": "chef", "lass": "girl", "lad": "boy", "raven": "crow",
    "dino": "dinosaur", "puppies": "puppy", "mice": "mouse", "children": "child", "men": "man",
    "women": "woman", "wolves": "wolf", "elves": "fairy", "elf": "fairy", "geese": "duck",
}  # fmt: skip

# Chinese nouns and Arabic nouns that point at kinds, beyond each kind's own noun.
ZH_WORDS: dict[str, str] = {
    "猫咪": "cat", "小猫": "kitten", "鲸": "whale", "海鸟": "gull", "鸟": "bird", "兔": "rabbit",
    "小狗": "puppy", "守塔人": "keeper", "灯塔看守人": "keeper", "女孩": "girl", "小女孩": "girl",
    "男孩": "boy", "小男孩": "boy", "老人": "grandfather", "老爷爷": "grandfather",
    "老奶奶": "grandmother", "机器": "robot", "鱼": "fish",
}  # fmt: skip
AR_WORDS: dict[str, str] = {
    "قط": "cat", "هرة": "cat", "حوت": "whale", "طائر": "bird", "عصفورة": "bird", "بنت": "girl",
    "صبي": "boy", "روبوت": "robot", "حارسة": "keeper", "ثعلبة": "fox", "كلبة": "dog",
}  # fmt: skip

# A helper who can turn up in a story set somewhere, best first.
HELPERS: dict[str, tuple[str, ...]] = {
    "coast": ("gull", "seal", "turtle"),
    "forest": ("owl", "squirrel", "deer"),
    "city": ("pigeon", "crow", "musician"),
    "desert": ("camel", "traveller", "phoenix"),
    "space": ("robot", "alien", "astronaut"),
    "mountain": ("goat", "eagle", "shepherd"),
    "village": ("grandmother", "baker", "owl"),
    "snow": ("penguin", "owl", "snowman"),
}

NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "f": ("Mara", "Ines", "Wren", "Nell", "Ada", "Ivy", "Lena", "Rosa", "Elsie", "Maeve",
              "Tilly", "June", "Nora", "Iris", "Hazel", "Clara"),
        "m": ("Elias", "Tobin", "Otto", "Silas", "Ruben", "Arlo", "Felix", "Jonah", "Milo",
              "Hugo", "Ezra", "Theo", "Abel", "Finn", "Caspian", "Bram"),
        "animal": ("Marlow", "Pip", "Moss", "Biscuit", "Juniper", "Pebble", "Clover", "Tuck",
                   "Sorrel", "Maple", "Bramble", "Nutmeg", "Willow", "Kip", "Soot", "Fig"),
        "creature": ("Ember", "Cinder", "Nimbus", "Aurora", "Thistle", "Orion", "Sable",
                     "Zephyr", "Lumen", "Quill"),
        "robot": ("Bolt", "Cog", "Rivet", "Tink", "Sprocket", "Pixel", "Gizmo", "Volt",
                  "Beacon", "Widget"),
    },
    "zh": {
        "f": ("小雨", "朵朵", "阿梅", "小月", "兰兰", "青青"),
        "m": ("阿明", "小石", "林伯", "大川", "阿福", "小海"),
        "animal": ("小白", "团团", "豆豆", "球球", "花花", "点点", "毛毛", "乐乐"),
        "creature": ("火花", "星星", "云朵", "闪闪"),
        "robot": ("铁蛋", "小铁", "阿光", "叮当"),
    },
    "ar": {
        "f": ("ليلى", "نور", "سلمى", "هالة", "مريم", "ياسمين"),
        "m": ("سليم", "كريم", "يوسف", "عمر", "سامي", "ماجد"),
        "animal": ("بندق", "فلفل", "سكر", "قمر", "لؤلؤ", "زيتون"),
        "creature": ("شهاب", "لهب", "سحاب", "نجم"),
        "robot": ("برق", "زر", "مسمار", "ضوء"),
    },
}  # fmt: skip


def singular(word: str) -> str:
    """The kind key a lower-case English word names, or the word itself (best effort)."""
    if word in KINDS:
        return word
    if word in ALIASES:
        return ALIASES[word]
    for suffix, repl in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            if stem in KINDS or stem in ALIASES:
                return ALIASES.get(stem, stem)
    return word
